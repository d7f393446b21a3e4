"""Small image files written by the tests, with and without each kind of provenance marking:
PNG, JPEG and WebP with an XMP DigitalSourceType, stripped copies, a C2PA-signed PNG made
with a throwaway certificate generated here (no key is ever committed), and hostile files."""

from __future__ import annotations

import datetime
import io
import struct
import zlib
from pathlib import Path

IPTC = "http://cv.iptc.org/newscodes/digitalsourcetype/"


def xmp(source_type: str) -> bytes:
    """An XMP packet stating ``source_type`` (a short IPTC name) as Iptc4xmpExt:DigitalSourceType."""
    return (f'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
            f'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" '
            f'xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" '
            f'Iptc4xmpExt:DigitalSourceType="{IPTC}{source_type}"/></rdf:RDF></x:xmpmeta>'
            f'<?xpacket end="w"?>').encode()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def png(source_type: str | None = None, width: int = 4, height: int = 4, pixels: bool = True) -> bytes:
    """A small RGB PNG, with an XMP iTXt chunk when ``source_type`` is given."""
    raw = b"".join(b"\x00" + b"\x80\x40\x20" * width for _ in range(height)) if pixels else b""
    meta = _chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00" + xmp(source_type)) if source_type else b""
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)) + meta
            + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b""))


def jpeg(source_type: str | None = None) -> bytes:
    """A minimal JPEG stream (SOI, an APP1 XMP segment when asked, SOF0 8x8, EOI)."""
    out = b"\xff\xd8"
    if source_type:
        body = b"http://ns.adobe.com/xap/1.0/\x00" + xmp(source_type)
        out += b"\xff\xe1" + struct.pack(">H", len(body) + 2) + body
    sof = struct.pack(">BHHB", 8, 8, 8, 1) + b"\x01\x11\x00"
    return out + b"\xff\xc0" + struct.pack(">H", len(sof) + 2) + sof + b"\xff\xd9"


def webp(source_type: str | None = None) -> bytes:
    """A WebP (RIFF) file with a VP8X header and an XMP chunk when asked."""
    vp8x = b"\x04\x00\x00\x00" + (7).to_bytes(3, "little") + (7).to_bytes(3, "little")
    chunks = b"VP8X" + struct.pack("<I", len(vp8x)) + vp8x
    if source_type:
        packet = xmp(source_type)
        chunks += b"XMP " + struct.pack("<I", len(packet)) + packet + (b"\x00" if len(packet) & 1 else b"")
    return b"RIFF" + struct.pack("<I", 4 + len(chunks)) + b"WEBP" + chunks


def c2pa_signed_png(source_type: str = "trainedAlgorithmicMedia") -> bytes:
    """A PNG with a C2PA manifest (a c2pa.created action of ``source_type``), signed with an
    ES256 key and a certificate chain made here for the test and thrown away."""
    import c2pa
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)

    def name(cn: str) -> x509.Name:
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn),
                          x509.NameAttribute(NameOID.ORGANIZATION_NAME, "twinimpact tests")])

    def usage(ca: bool) -> x509.KeyUsage:
        return x509.KeyUsage(digital_signature=True, key_cert_sign=ca, crl_sign=ca, content_commitment=False,
                             key_encipherment=False, data_encipherment=False, key_agreement=False,
                             encipher_only=False, decipher_only=False)

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    valid = dict(not_valid_before=now - datetime.timedelta(days=1), not_valid_after=now + datetime.timedelta(days=7))
    ca = (x509.CertificateBuilder(subject_name=name("test CA"), issuer_name=name("test CA"),
                                  public_key=ca_key.public_key(), serial_number=x509.random_serial_number(), **valid)
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(usage(True), critical=True).sign(ca_key, hashes.SHA256()))
    leaf = (x509.CertificateBuilder(subject_name=name("test signer"), issuer_name=ca.subject,
                                    public_key=key.public_key(), serial_number=x509.random_serial_number(), **valid)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))
    chain = leaf.public_bytes(serialization.Encoding.PEM) + ca.public_bytes(serialization.Encoding.PEM)
    secret = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                               serialization.NoEncryption())
    signer = c2pa.Signer.from_info(c2pa.C2paSignerInfo(c2pa.C2paSigningAlg.ES256, chain, secret, None))
    manifest = {"claim_generator_info": [{"name": "twinimpact-tests", "version": "1"}], "title": "asset.png",
                "assertions": [{"label": "c2pa.actions", "data": {"actions": [
                    {"action": "c2pa.created", "digitalSourceType": IPTC + source_type}]}}]}
    out = io.BytesIO()
    c2pa.Builder(manifest).sign(signer, "image/png", io.BytesIO(png()), out)
    return out.getvalue()


def write(folder: Path, files: dict[str, bytes]) -> Path:
    """Write ``name -> bytes`` into ``folder`` (created)."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder
