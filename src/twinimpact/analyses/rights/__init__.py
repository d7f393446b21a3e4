"""Rights and provenance: consent, scope, watermark and pay findings; machine-readable markings of asset files; the regulation checklist."""
