"""Evidence files through the pages: attached to reports, quick logs, hotline tips and
cases; checked by content and size; visible exactly when their record is; downloads
audited and served so that nothing in a file can run; backed up and restored."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from graph.filestore import file_store
from tests import evidence_samples as samples
from tests.conftest import csrf_from
from tests.integration.test_hotline_tips import TIPSTER, TIPSTER_HEADERS, receipt

INVOICE = ("Invoice 2026-114 from BALTIC STAR TRADING LIMITED",
           "Goods shipped in container MSCU1234565",
           "Contact +359 88 123 4567")


def store(app):
    return file_store(app.config["CORDON_DATA"])


def files(graph):
    return graph.query(
        "MATCH (f:EvidenceFile)-[:ATTACHED_TO]->(p) RETURN f.id AS id, f.name AS name, "
        "f.sha256 AS sha256, f.mime AS mime, f.size AS size, f.stripped AS stripped, "
        "f.parent_kind AS kind, p.id AS parent ORDER BY f.name")


def new_report(client, text="Seals look new on CA 1234 AB.", upload=None, **extra):
    page = client.get("/reports/new?channel=register")
    data = {"csrf_token": csrf_from(page.text), "channel": "register",
            "event_type": "suspicious_event", "text": text, "handling": "restricted",
            "submit": "Submit report", **extra}
    if upload is not None:
        data["files"] = upload
    return client.post("/reports/new?channel=register", data=data,
                       content_type="multipart/form-data")


def audit_rows(graph, action):
    return graph.query("MATCH (e:AuditEvent {action: $action}) RETURN e.actor AS actor, "
                       "e.target AS target, e.outcome AS outcome ORDER BY e.seq",
                       {"action": action})


def test_a_report_with_a_photo_and_a_pdf_lists_them_and_serves_them_safely(
        app, client, graph, auth, make_user):
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    photo = samples.jpeg_with_gps()
    response = new_report(client, upload=[(io.BytesIO(photo), "plate.jpg"),
                                          (io.BytesIO(samples.pdf_with_text(*INVOICE)),
                                           "invoice.pdf")])
    assert response.status_code == 302, response.text
    report_id = response.headers["Location"].rsplit("/", 1)[-1]
    stored = files(graph)
    assert [(f["name"], f["mime"], f["parent"]) for f in stored] == [
        ("invoice.pdf", "application/pdf", report_id), ("plate.jpg", "image/jpeg", report_id)]
    # not a hotline upload and not asked for: the photo keeps its metadata (evidence)
    assert stored[1]["stripped"] is False and stored[1]["size"] == len(photo)
    assert all(store(app).exists(f["sha256"]) for f in stored)

    page = client.get(f"/reports/{report_id}")
    assert "invoice.pdf" in page.text and "plate.jpg" in page.text
    assert f'/files/{stored[1]["id"]}/thumbnail' in page.text
    # the PDF's entities are on the report, pointing to the file
    mention = graph.query(
        "MATCH (:Report {id: $id})-[m:MENTIONS]->(e:Entity {id: 'container:MSCU1234565'}) "
        "RETURN m.file AS file, m.start AS start", {"id": report_id})
    assert mention == [{"file": stored[0]["id"], "start": None}]
    assert "(in invoice.pdf)" in page.text

    download = client.get(f"/files/{stored[1]['id']}")
    assert download.status_code == 200 and download.data == photo
    assert download.headers["Content-Disposition"].startswith("attachment;")
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert download.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert audit_rows(graph, "file.download") == [
        {"actor": "ana@customs.example", "target": stored[1]["id"], "outcome": "read"}]

    thumb = client.get(f"/files/{stored[1]['id']}/thumbnail")
    assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
    assert thumb.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert max(Image.open(io.BytesIO(thumb.data)).size) <= 320
    assert client.get(f"/files/{stored[0]['id']}/thumbnail").status_code == 404  # a PDF


def test_an_html_page_named_jpg_is_refused_and_nothing_is_kept(app, client, graph, auth,
                                                                make_user):
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    before = sorted(p.name for p in Path(app.config["CORDON_DATA"]).rglob("*") if p.is_file())
    response = new_report(client, upload=[(io.BytesIO(samples.HTML_PAGE), "plate.jpg")])
    assert response.status_code == 400
    assert "plate.jpg: This kind of file is not accepted" in response.text
    assert graph.query("MATCH (n) WHERE n:Report OR n:EvidenceFile RETURN count(n) AS n"
                       )[0]["n"] == 0
    after = sorted(p.name for p in Path(app.config["CORDON_DATA"]).rglob("*") if p.is_file())
    assert after == before


def test_an_upload_past_the_limit_is_refused_before_it_is_read(app, client, graph, auth,
                                                                make_user):
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    csrf = csrf_from(client.get("/reports/new?channel=register").text)
    big = b"%PDF-1.4\n" + b"0" * (25 * 1024 * 1024)
    response = client.post("/reports/new?channel=register", data={
        "csrf_token": csrf, "channel": "register", "text": "x", "handling": "restricted",
        "files": (io.BytesIO(big), "big.pdf")}, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "limited to 20 MB" in response.text
    assert graph.query("MATCH (n) WHERE n:Report OR n:EvidenceFile RETURN count(n) AS n"
                       )[0]["n"] == 0

    # within the request limit but past a lowered per-upload limit: a form error
    app.config["MAX_UPLOAD_MB"] = 1
    response = new_report(client, upload=[(io.BytesIO(b"%PDF-1.4\n" + b"0" * (2 * 2**20)),
                                           "scan.pdf")])
    assert response.status_code == 400
    assert "scan.pdf is larger than 1 MB" in response.text
    assert graph.query("MATCH (n) WHERE n:Report OR n:EvidenceFile RETURN count(n) AS n"
                       )[0]["n"] == 0


def test_a_file_of_a_report_one_may_not_read_is_404_and_audited_as_refused(
        client, graph, auth, make_user, make_unit):
    make_unit("South Region")
    make_user("ana@customs.example", role="analyst")
    make_user("south@customs.example", role="analyst", unit="South Region")
    auth.login("ana@customs.example")
    report_id = new_report(client, upload=[(io.BytesIO(samples.png()), "seal.png")]
                           ).headers["Location"].rsplit("/", 1)[-1]
    file_id = files(graph)[0]["id"]
    auth.logout()
    auth.login("south@customs.example")  # another unit; the report is restricted
    assert client.get(f"/reports/{report_id}").status_code == 404
    assert client.get(f"/files/{file_id}").status_code == 404
    assert client.get(f"/files/{file_id}/thumbnail").status_code == 404
    assert client.get("/files/F-NOSUCHFILE").status_code == 404
    assert audit_rows(graph, "file.download") == [
        {"actor": "south@customs.example", "target": file_id, "outcome": "refused"},
        {"actor": "south@customs.example", "target": "F-NOSUCHFILE", "outcome": "missing"}]
    assert audit_rows(graph, "file.thumbnail")[-1]["outcome"] == "refused"


def test_files_are_added_to_an_existing_report_by_its_author(client, graph, auth, make_user):
    make_user("lia@customs.example", role="liaison")
    make_user("inv@customs.example", role="investigator")
    auth.login("lia@customs.example")
    report_id = new_report(client).headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/reports/{report_id}")
    response = client.post(f"/reports/{report_id}/files", data={
        "csrf_token": csrf_from(page.text), "strip_metadata": "y",
        "files": (io.BytesIO(samples.jpeg_with_gps()), "seal.jpg")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "1 file(s) attached" in response.text
    assert files(graph)[0]["stripped"] is True

    response = client.post(f"/reports/{report_id}/files", data={
        "csrf_token": csrf_from(page.text),
        "files": (io.BytesIO(b"MZ\x90\x00binary"), "tool.exe")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "tool.exe: This kind of file is not accepted" in response.text
    assert len(files(graph)) == 1
    auth.logout()
    auth.login("inv@customs.example")  # reads it (same unit) but neither wrote nor reviews it
    page = client.get(f"/reports/{report_id}")
    assert page.status_code == 200 and "seal.jpg" in page.text
    assert f"/reports/{report_id}/files" not in page.text
    response = client.post(f"/reports/{report_id}/files", data={
        "csrf_token": csrf_from(page.text), "files": (io.BytesIO(samples.png()), "x.png")},
        content_type="multipart/form-data")
    assert response.status_code == 403 and len(files(graph)) == 1


def _tip(client, data):
    page = client.get("/hotline", environ_base=TIPSTER, headers=TIPSTER_HEADERS)
    return client.post("/hotline", data={**data, "csrf_token": csrf_from(page.text)},
                       environ_base=TIPSTER, headers=TIPSTER_HEADERS,
                       content_type="multipart/form-data")


def test_a_tipster_sends_a_photo_and_an_invoice_the_photo_loses_its_metadata(
        app, client, graph, auth, make_user):
    response = _tip(client, {"what": "Undervalued cigarettes", "files": [
        (io.BytesIO(samples.jpeg_with_gps()), "IMG_0001.jpg"),
        (io.BytesIO(samples.pdf_with_text(*INVOICE)), "invoice.pdf")]})
    assert response.status_code == 200, response.text
    reference, code = receipt(response.text)
    stored = files(graph)
    assert [(f["name"], f["stripped"]) for f in stored] == [("IMG_0001.jpg", True),
                                                            ("invoice.pdf", False)]
    with store(app).open(stored[0]["sha256"]) as handle:
        photo = handle.read()
    image = Image.open(io.BytesIO(photo))
    assert not image.getexif() and not image.getexif().get_ifd(0x8825)
    assert samples.SERIAL.encode() not in photo and b"PhoneMaker" not in photo
    tip_id = stored[0]["parent"]
    assert graph.query("MATCH (e:AuditEvent {action: 'hotline.tip'}) RETURN e.actor AS a, "
                       "e.origin AS o") == [{"a": "anonymous", "o": None}]

    # a follow-up with one more document and no text
    page = client.post("/hotline/follow-up", data={
        "reference": reference, "code": code,
        "csrf_token": csrf_from(client.get("/hotline/follow-up").text)})
    response = client.post("/hotline/follow-up/add", data={
        "reference": reference, "code": code, "text": "", "csrf_token": csrf_from(page.text),
        "files": (io.BytesIO(b"Driver: Ivan Petrov, plate CA 1234 AB\n"), "notes.txt")},
        content_type="multipart/form-data")
    assert response.status_code == 200, response.text
    assert "Sent notes.txt." in response.text
    assert len(files(graph)) == 3
    # a wrong type in a follow-up: said on the page, nothing kept
    response = client.post("/hotline/follow-up/add", data={
        "reference": reference, "code": code, "text": "and this",
        "csrf_token": csrf_from(page.text),
        "files": (io.BytesIO(samples.HTML_PAGE), "page.pdf")},
        content_type="multipart/form-data")
    assert response.status_code == 400 and "page.pdf: This kind of file" in response.text
    assert len(files(graph)) == 3

    # the analysts' review: the invoice's entities on the tip, the files listed
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    page = client.get(f"/hotline/tips/{tip_id}")
    assert "invoice.pdf" in page.text and "IMG_0001.jpg" in page.text
    review = client.get(f"/reports/{tip_id}")
    assert "MSCU1234565" in review.text and "(in invoice.pdf)" in review.text


def test_case_files_follow_the_case(client, graph, auth, make_user, make_unit):
    make_unit("South Region")
    make_user("inv@customs.example", role="investigator")
    make_user("other@customs.example", role="investigator", unit="South Region")
    auth.login("inv@customs.example")
    page = client.get("/cases/")
    opened = client.post("/cases/", data={"csrf_token": csrf_from(page.text),
                                          "title": "Cigarette ring", "kind": "investigation",
                                          "description": ""})
    case_id = opened.headers["Location"].rsplit("/", 1)[-1]
    page = client.get(f"/cases/{case_id}")
    response = client.post(f"/cases/{case_id}/files", data={
        "csrf_token": csrf_from(page.text),
        "files": (io.BytesIO(samples.docx()), "CMR transport document.docx")},
        content_type="multipart/form-data", follow_redirects=True)
    assert "1 file(s) attached" in response.text
    assert "CMR transport document.docx" in response.text and "Word document" in response.text
    file_id = files(graph)[0]["id"]
    assert client.get(f"/files/{file_id}").status_code == 200
    auth.logout()
    auth.login("other@customs.example")
    assert client.get(f"/cases/{case_id}").status_code == 404
    assert client.get(f"/files/{file_id}").status_code == 404
    response = client.post(f"/cases/{case_id}/files", data={
        "csrf_token": csrf_from(client.get("/cases/").text),
        "files": (io.BytesIO(samples.png()), "x.png")}, content_type="multipart/form-data")
    assert response.status_code == 404
    assert len(files(graph)) == 1


def test_backup_and_restore_bring_every_file_back_with_its_hash(
        app, client, graph, auth, make_user, runner, tmp_path):
    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    new_report(client, upload=[(io.BytesIO(samples.png()), "seal.png"),
                               (io.BytesIO(samples.pdf_with_text("Invoice")), "inv.pdf")])
    stored = files(graph)
    path = tmp_path / "backup.jsonl"
    result = runner.invoke(args=["backup", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 evidence files" in result.output
    assert sorted(p.name for p in (tmp_path / "backup.jsonl.files").iterdir()) == sorted(
        f["sha256"] for f in stored)

    # a fresh data folder: restore brings the files back into its store
    fresh = tmp_path / "fresh-data"
    app.config["CORDON_DATA"] = str(fresh)
    result = runner.invoke(args=["restore", "--replace", str(path)])
    assert result.exit_code == 0, result.output
    assert "2 evidence files (hashes verified)" in result.output
    for f in stored:
        assert store(app).exists(f["sha256"])
    assert client.get(f"/files/{stored[0]['id']}").status_code in (200, 302)

    # a changed file in the backup is refused before anything is restored
    victim = tmp_path / "backup.jsonl.files" / stored[0]["sha256"]
    victim.write_bytes(b"tampered")
    result = runner.invoke(args=["restore", "--replace", str(path)])
    assert result.exit_code != 0 and "was changed" in result.output


def test_the_quick_log_takes_a_photo_and_a_retry_stores_it_once(client, graph, auth,
                                                                  make_user, make_unit):
    make_unit("Kapitan Andreevo", kind="bcp")
    make_user("lia@customs.example", role="liaison", unit="Kapitan Andreevo")
    auth.login("lia@customs.example")
    page = client.get("/reports/log")
    assert 'accept="image/*"' in page.text and 'capture="environment"' in page.text
    submission = re.search(r'name="submission"[^>]*value="([^"]+)"', page.text).group(1)
    photo = samples.jpeg_with_gps()
    for _ in range(2):  # the answer to the first was lost: the phone sends it again
        response = client.post("/reports/log", data={
            "csrf_token": csrf_from(page.text), "submission": submission,
            "crossing": "Kapitan Andreevo", "vehicle": "CA 1234 AB", "handling": "restricted",
            "files": (io.BytesIO(photo), "photo.jpg")}, content_type="multipart/form-data")
        assert response.status_code == 302
    assert graph.query("MATCH (r:Report) RETURN count(r) AS n")[0]["n"] == 1
    assert [f["name"] for f in files(graph)] == ["photo.jpg"]


def test_the_exchange_format_carries_file_references_and_an_optional_folder(
        app, client, graph, auth, make_user, runner, tmp_path):
    import json

    from graph.units import UnitRepository
    from tests.conftest import WIPE

    make_user("ana@customs.example", role="analyst")
    auth.login("ana@customs.example")
    report_id = new_report(client, upload=[(io.BytesIO(samples.png()), "seal.png")]
                           ).headers["Location"].rsplit("/", 1)[-1]
    stored = files(graph)[0]
    path = tmp_path / "register.jsonl"
    result = runner.invoke(args=["export", str(path), "--files"])
    assert result.exit_code == 0, result.output
    line = next(json.loads(x) for x in path.read_text().splitlines() if report_id in x)
    assert line["files"] == [{"name": "seal.png", "sha256": stored["sha256"],
                              "type": "image/png", "size": stored["size"]}]
    assert (tmp_path / "register.jsonl.files" / stored["sha256"]).is_file()

    # into an empty register with an empty file store: the file comes from the folder
    with graph.driver.session() as session:
        session.run(WIPE).consume()
    UnitRepository(graph).ensure_headquarters()
    app.config["CORDON_DATA"] = str(tmp_path / "other-data")
    for _ in range(2):  # a second import attaches nothing new
        result = runner.invoke(args=["import", str(path), "--no-train"])
        assert result.exit_code == 0, result.output
    again = files(graph)
    assert [(f["name"], f["sha256"], f["parent"]) for f in again] == [
        ("seal.png", stored["sha256"], report_id)]
    assert store(app).exists(stored["sha256"])

    # a reference whose bytes are nowhere is refused with its reason
    line["id"], line["files"][0]["sha256"] = "R-OTHER", "ab" * 32
    other = tmp_path / "other.jsonl"
    other.write_text(json.dumps(line) + "\n")
    result = runner.invoke(args=["import", str(other), "--no-train"])
    assert result.exit_code == 1
    assert "neither in the files folder" in result.output


def test_a_control_result_keeps_its_photos_and_the_declaration_page_lists_them(
        client, graph, auth, make_user, runner, tmp_path):
    import json

    lines = [{"kind": "trader", "id": "NL1", "name": "Baltic Star Trading", "country": "NL"},
             {"kind": "declaration", "id": "DEC-1", "date": "2025-03-12", "flow": "import",
              "importer": "NL1", "items": [{"hs": "8471.30", "value": 1200.0}]}]
    path = tmp_path / "decl.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    assert runner.invoke(args=["import", str(path), "--no-train"]).exit_code == 0
    make_user("inv@customs.example", role="investigator")
    auth.login("inv@customs.example")
    page = client.get("/risk/control")
    form = {"csrf_token": csrf_from(page.text), "declaration": "DEC-1", "date": "2025-03-14",
            "lane": "red", "result": "positive", "finding": "hidden compartment",
            "revenue": "100"}
    refused = client.post("/risk/control", data={
        **form, "files": (io.BytesIO(samples.HTML_PAGE), "photo.jpg")},
        content_type="multipart/form-data")
    assert refused.status_code == 200 and "photo.jpg: This kind of file" in refused.text
    assert graph.query("MATCH (c:Control) RETURN count(c) AS n")[0]["n"] == 0
    response = client.post("/risk/control", data={
        **form, "files": (io.BytesIO(samples.jpeg_with_gps()), "compartment.jpg")},
        content_type="multipart/form-data")
    assert response.status_code == 302
    assert [(f["name"], f["kind"]) for f in files(graph)] == [("compartment.jpg", "control")]
    declaration = client.get("/declarations/DEC-1")
    assert "compartment.jpg" in declaration.text
    assert client.get(f"/files/{files(graph)[0]['id']}").status_code == 200


def test_the_api_attaches_lists_and_downloads_within_need_to_know(
        client, graph, make_user, make_unit):
    from app.accounts.service import issue_token

    make_unit("South Region")
    make_user("ana@customs.example", role="analyst")
    make_user("south@customs.example", role="analyst", unit="South Region")
    ana = {"Authorization": "Bearer " + issue_token(graph, "ana@customs.example")}
    south = {"Authorization": "Bearer " + issue_token(graph, "south@customs.example")}
    created = client.post("/api/v1/reports", headers=ana, json={
        "channel": "register", "event_type": "seizure", "text": "Cigarettes seized.",
        "handling": "restricted"})
    report_id = created.json["id"]
    url = f"/api/v1/reports/{report_id}/files"
    answer = client.post(url, headers=ana, content_type="multipart/form-data", data={
        "files": (io.BytesIO(samples.pdf_with_text(*INVOICE)), "invoice.pdf")})
    assert answer.status_code == 201, answer.json
    (attached,) = answer.json["files"]
    assert attached["type"] == "application/pdf" and attached["entities"] >= 1
    assert client.get(url, headers=ana).json["files"][0]["id"] == attached["id"]
    download = client.get(attached["download"], headers=ana)
    assert download.status_code == 200 and download.data.startswith(b"%PDF-")
    assert download.headers["Content-Disposition"].startswith("attachment;")

    refused = client.post(url, headers=ana, content_type="multipart/form-data", data={
        "files": (io.BytesIO(samples.HTML_PAGE), "photo.jpg")})
    assert refused.status_code == 400
    assert "not accepted" in refused.json["detail"]["message"]
    empty = client.post(url, headers=ana, content_type="multipart/form-data", data={})
    assert empty.status_code == 400

    assert client.get(url, headers=south).status_code == 404
    assert client.post(url, headers=south, content_type="multipart/form-data", data={
        "files": (io.BytesIO(samples.png()), "x.png")}).status_code == 404
    assert client.get(attached["download"], headers=south).status_code == 404
    assert audit_rows(graph, "file.download")[-1] == {
        "actor": "south@customs.example", "target": attached["id"], "outcome": "refused"}
    assert len(files(graph)) == 1
