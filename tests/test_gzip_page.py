"""config.http.gzip_page: Insights' pages gzipped as Django's gzip_page
would, by zlib-ng."""

from __future__ import annotations

import gzip

from django.http import HttpResponse, StreamingHttpResponse
from django.test import RequestFactory

from config.http import PADDING, gzip_page

PAGE = b"<p>" + b"".join(b"day %d: mood %d; " % (i, i % 10) for i in range(2000))


def answer(response: HttpResponse, accept: str = "br, gzip") -> HttpResponse:
    request = RequestFactory().get("/", headers={"Accept-Encoding": accept})
    return gzip_page(lambda request: response)(request)


def test_a_page_comes_back_the_same_once_unzipped_with_its_headers():
    response = answer(HttpResponse(PAGE, headers={"ETag": '"v1"'}))
    assert response["Content-Encoding"] == "gzip"
    assert response["Content-Length"] == str(len(response.content))
    assert response["Vary"] == "Accept-Encoding"
    assert response["ETag"] == 'W/"v1"'  # the same meaning, not the same bytes
    assert gzip.decompress(response.content) == PAGE
    assert len(response.content) < len(PAGE) / 4


def test_its_length_varies_by_up_to_padding_bytes_in_a_name_readers_skip():
    lengths = set()
    for _ in range(200):
        response = answer(HttpResponse(PAGE))
        header = response.content[:10]
        assert header[:3] == b"\x1f\x8b\x08" and header[3] & gzip.FNAME
        name = response.content[10 : response.content.index(b"\x00", 10)]
        assert set(name) <= {ord("a")} and len(name) < PADDING
        lengths.add(len(response.content))
        assert gzip.decompress(response.content) == PAGE
    assert len(lengths) > 20


def test_a_browser_that_does_not_take_gzip_gets_the_page_as_it_is():
    response = answer(HttpResponse(PAGE), accept="br, deflate")
    assert response.content == PAGE and not response.has_header("Content-Encoding")
    assert response["Vary"] == "Accept-Encoding"


def test_what_would_not_get_shorter_or_is_already_encoded_or_streamed_is_left():
    short = answer(HttpResponse(b"<p>hi</p>"))
    assert short.content == b"<p>hi</p>" and not short.has_header("Content-Encoding")
    encoded = answer(HttpResponse(PAGE, headers={"Content-Encoding": "br"}))
    assert encoded.content == PAGE and encoded["Content-Encoding"] == "br"
    streamed = answer(StreamingHttpResponse(iter([PAGE])))
    assert b"".join(streamed.streaming_content) == PAGE
    assert not streamed.has_header("Content-Encoding")
