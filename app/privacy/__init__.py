"""The register of personal-data fields, from which the record of processing is generated."""
