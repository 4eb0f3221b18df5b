"""The dataset download, against an HTTP server on 127.0.0.1 serving zips built here: a good
one, one whose md5 does not match, one cut short, and no server at all."""

from __future__ import annotations

import hashlib
import http.server
import io
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from ml import PROJECT_DIR
from ml.tools.data_files import DATA_FILES
from ml.tools.datasets import DownloadError, download_dataset, ensure_data, parse_md5_file

DATASET = "ml-latest-small"
FILE_TEXT = {
    "movies.csv": 'movieId,title,genres\n1,"Heat, The ""Remake"" (1995)",Action\n',
    "ratings.csv": "userId,movieId,rating,timestamp\n1,1,4.0,964982703\n",
    "tags.csv": "userId,movieId,tag,timestamp\n1,1,funny,964982703\n",
    "links.csv": "movieId,imdbId,tmdbId\n1,0113277,949\n",
    "README.txt": "test copy\n",
}


def build_zip(files: dict[str, str], folder: str = DATASET) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{folder}/", "")
        for name, text in files.items():
            archive.writestr(f"{folder}/{name}", text)
    return buffer.getvalue()


class Site:
    """What the test server answers: path -> (body, declared length or None for the real one)."""

    def __init__(self) -> None:
        self.routes: dict[str, tuple[bytes, int | None]] = {}
        self.requests: list[str] = []

    def publish(self, zip_bytes: bytes, md5: str | None = None, declared_length: int | None = None) -> None:
        md5 = md5 or hashlib.md5(zip_bytes).hexdigest()
        self.routes[f"/{DATASET}.zip"] = (zip_bytes, declared_length)
        self.routes[f"/{DATASET}.zip.md5"] = (f"{md5}  {DATASET}.zip\n".encode(), None)


@pytest.fixture
def site() -> Iterator[tuple[Site, str]]:
    served = Site()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            served.requests.append(self.path)
            if self.path not in served.routes:
                self.send_error(404)
                return
            body, declared = served.routes[self.path]
            self.send_response(200)
            self.send_header("Content-Length", str(declared or len(body)))
            self.end_headers()
            self.wfile.write(body)  # fewer bytes than declared when truncated
            self.close_connection = True

        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield served, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def csv_files(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.glob("*.csv"))


def test_good_download_is_unpacked_flat(site, tmp_path):
    served, url = site
    served.publish(build_zip(FILE_TEXT))
    written = download_dataset(DATASET, tmp_path / "data", base_url=url)
    assert sorted(path.name for path in written) == sorted(FILE_TEXT)
    for name, text in FILE_TEXT.items():
        assert (tmp_path / "data" / name).read_text() == text
    # the scratch folder of the download is gone
    assert sorted(path.name for path in (tmp_path / "data").iterdir()) == sorted(FILE_TEXT)


def test_bad_checksum_unpacks_nothing(site, tmp_path):
    served, url = site
    served.publish(build_zip(FILE_TEXT), md5="0" * 32)
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download_dataset(DATASET, tmp_path, base_url=url)
    assert list(tmp_path.iterdir()) == []


def test_truncated_download_unpacks_nothing(site, tmp_path):
    served, url = site
    zip_bytes = build_zip(FILE_TEXT)
    served.publish(
        zip_bytes[: len(zip_bytes) // 2],
        md5=hashlib.md5(zip_bytes).hexdigest(),
        declared_length=len(zip_bytes),
    )
    with pytest.raises(DownloadError, match=r"truncated|broke off"):
        download_dataset(DATASET, tmp_path, base_url=url)
    assert list(tmp_path.iterdir()) == []


def test_zip_without_ratings_is_refused(site, tmp_path):
    served, url = site
    served.publish(build_zip({k: v for k, v in FILE_TEXT.items() if k != "ratings.csv"}))
    with pytest.raises(DownloadError, match=r"lacks ratings\.csv"):
        download_dataset(DATASET, tmp_path, base_url=url)
    assert csv_files(tmp_path) == []


def test_zip_with_paths_outside_its_folder_is_refused(site, tmp_path):
    served, url = site
    served.publish(build_zip(FILE_TEXT, folder="elsewhere"))
    with pytest.raises(DownloadError, match="outside ml-latest-small/"):
        download_dataset(DATASET, tmp_path, base_url=url)
    assert csv_files(tmp_path) == []


def test_missing_md5_is_an_http_error(site, tmp_path):
    _, url = site
    with pytest.raises(DownloadError, match="HTTP 404"):
        download_dataset(DATASET, tmp_path, base_url=url)


def test_no_network_says_how_to_point_at_a_copy(tmp_path):
    with pytest.raises(DownloadError, match="without network, point MOVIELENS_DIR"):
        download_dataset(DATASET, tmp_path, base_url="http://127.0.0.1:9")


def test_ensure_data_downloads_only_into_an_empty_folder(site, tmp_path):
    served, url = site
    served.publish(build_zip(FILE_TEXT))
    assert ensure_data(tmp_path / "fresh", DATASET, base_url=url).startswith("downloaded")
    assert csv_files(tmp_path / "fresh") == sorted(DATA_FILES)
    served.requests.clear()
    assert ensure_data(tmp_path / "fresh", DATASET, base_url=url).startswith("using")
    assert served.requests == []


@pytest.mark.parametrize(
    "text",
    ["6b51fb2759a8657d3bfcbfc42b592ada  ml-25m.zip", "MD5 (ml-25m.zip) = 6B51FB2759A8657D3BFCBFC42B592ADA"],
)
def test_md5_file_formats(text):
    assert parse_md5_file(text) == "6b51fb2759a8657d3bfcbfc42b592ada"


def test_cli_downloads_into_an_empty_data_folder(site, tmp_path):
    served, url = site
    served.publish(build_zip(FILE_TEXT))
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ml",
            "check",
            "--data-dir",
            str(tmp_path / "data"),
            "--download",
            DATASET,
            "--base-url",
            url,
        ],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"downloaded {DATASET}" in result.stdout
    assert csv_files(tmp_path / "data") == sorted(DATA_FILES)
