// Evidence files (photos, documents) attached to reports, tips, cases and control results:
// metadata here, bytes in the content-addressed store under $CORDON_DATA/files.
CREATE CONSTRAINT evidence_file_id IF NOT EXISTS FOR (f:EvidenceFile) REQUIRE f.id IS UNIQUE;
CREATE INDEX evidence_file_sha256 IF NOT EXISTS FOR (f:EvidenceFile) ON (f.sha256)
