"""Getting draws in and out: official sources, mirrors, files, ticket QR codes."""
