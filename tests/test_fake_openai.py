"""Tests for the loopback fake OpenAI server, driven by the real client libraries."""

from __future__ import annotations

import base64
import http.client
import json
import time

import numpy as np
import openai
import pytest

from tests.fakes.openai_server import FakeOpenAI

KEY = "sk-test"
MODEL = "gpt-4o-mini"
EMB_MODEL = "text-embedding-3-small"
ANSWER = "청주 창업지원센터는 매년 3월에 모집 공고를 냅니다."


@pytest.fixture
def srv():
    with FakeOpenAI(api_key=KEY, embedding_dim=32) as server:
        yield server


def client(srv: FakeOpenAI, **kw) -> openai.OpenAI:
    kw.setdefault("max_retries", 0)
    kw.setdefault("api_key", KEY)
    return openai.OpenAI(base_url=srv.base_url, **kw)


def aclient(srv: FakeOpenAI, **kw) -> openai.AsyncOpenAI:
    kw.setdefault("max_retries", 0)
    kw.setdefault("api_key", KEY)
    return openai.AsyncOpenAI(base_url=srv.base_url, **kw)


def raw_request(srv: FakeOpenAI, method: str, path: str, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    try:
        data = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json", **(headers or {})}
        conn.request(method, path, body=data, headers=hdrs)
        resp = conn.getresponse()
        return resp.status, dict(resp.getheaders()), resp.read()
    finally:
        conn.close()


# -- chat completions -------------------------------------------------------------------


def test_plain_completion_and_recorded_request(srv):
    srv.script_reply(ANSWER, usage=(120, 30))
    with client(srv) as c:
        resp = c.chat.completions.create(
            model=MODEL,
            messages=[
                {"role": "system", "content": "너는 충북 창업 도우미다."},
                {"role": "user", "content": "모집 시기는?"},
            ],
            temperature=0.1,
            max_tokens=256,
        )
    assert resp.object == "chat.completion"
    assert resp.id.startswith("chatcmpl-")
    assert resp.model == MODEL
    assert resp.choices[0].index == 0
    assert resp.choices[0].message.role == "assistant"
    assert resp.choices[0].message.content == ANSWER
    assert resp.choices[0].finish_reason == "stop"
    assert (resp.usage.prompt_tokens, resp.usage.completion_tokens) == (120, 30)
    assert resp.usage.total_tokens == 150

    (body,) = srv.chat_requests()
    assert body["model"] == MODEL
    assert body["messages"][0] == {"role": "system", "content": "너는 충북 창업 도우미다."}
    assert body["temperature"] == 0.1
    assert body["max_tokens"] == 256
    assert "stream" not in body
    path, _, headers = srv.requests[0]
    assert path == "/v1/chat/completions"
    assert headers["authorization"] == f"Bearer {KEY}"


def test_responder_fallback_and_estimated_usage(srv):
    with client(srv) as c:
        msgs = [{"role": "user", "content": "abcdefgh"}]
        first = c.chat.completions.create(model=MODEL, messages=msgs)
        srv.responder = lambda req: "echo:" + req["messages"][-1]["content"]
        second = c.chat.completions.create(model=MODEL, messages=msgs)
    assert first.choices[0].message.content == "fake answer"
    assert second.choices[0].message.content == "echo:abcdefgh"
    assert second.usage.prompt_tokens == 4  # len("abcdefgh") // 2
    assert second.usage.completion_tokens == len("echo:abcdefgh") // 2


def test_scripted_queue_is_fifo(srv):
    srv.script_reply("one")
    srv.script_reply("two")
    with client(srv) as c:
        out = [
            c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
            .choices[0]
            .message.content
            for _ in range(3)
        ]
    assert out == ["one", "two", "fake answer"]
    assert srv.pending() == 0


async def _astream_text(srv: FakeOpenAI) -> tuple[str, list, object]:
    async with aclient(srv) as c:
        stream = await c.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "q"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = [ch async for ch in stream]
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    return text, chunks, chunks[-1].usage


@pytest.mark.asyncio
async def test_async_completion(srv):
    srv.script_reply(ANSWER)
    async with aclient(srv) as c:
        resp = await c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "q"}]
        )
    assert resp.choices[0].message.content == ANSWER


def test_streaming_reassembles_and_reports_usage(srv):
    srv.script_reply(ANSWER, usage=(50, 20))
    with client(srv) as c:
        stream = c.chat.completions.create(
            model=MODEL,
            messages=[{"role": "user", "content": "q"}],
            stream=True,
            stream_options={"include_usage": True},
        )
        chunks = list(stream)
    assert all(ch.object == "chat.completion.chunk" for ch in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    content = [ch.choices[0].delta.content for ch in chunks if ch.choices]
    assert sum(1 for piece in content if piece) >= 3  # really split into several deltas
    assert "".join(p or "" for p in content) == ANSWER
    finishes = [ch.choices[0].finish_reason for ch in chunks if ch.choices]
    assert finishes[-1] == "stop"
    assert chunks[-1].choices == []
    assert (chunks[-1].usage.prompt_tokens, chunks[-1].usage.completion_tokens) == (50, 20)
    assert srv.chat_requests()[0]["stream"] is True


def test_streaming_without_usage_has_no_usage_chunk(srv):
    with client(srv) as c:
        chunks = list(
            c.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "q"}], stream=True
            )
        )
    assert all(ch.choices for ch in chunks)
    assert all(ch.usage is None for ch in chunks)
    assert "".join(ch.choices[0].delta.content or "" for ch in chunks) == "fake answer"


@pytest.mark.asyncio
async def test_async_streaming(srv):
    srv.script_reply(ANSWER, usage=(5, 6))
    text, chunks, usage = await _astream_text(srv)
    assert text == ANSWER
    assert len(chunks) > 4
    assert usage.total_tokens == 11


def test_sse_wire_format(srv):
    srv.script_reply("abcdefghij")
    status, headers, raw = raw_request(
        srv,
        "POST",
        "/v1/chat/completions",
        {"model": MODEL, "messages": [{"role": "user", "content": "q"}], "stream": True},
        {"Authorization": f"Bearer {KEY}"},
    )
    assert status == 200
    assert headers["Content-Type"].startswith("text/event-stream")
    events = raw.decode().split("\n\n")
    assert events[-1] == ""
    assert events[-2] == "data: [DONE]"
    assert all(e.startswith("data: ") for e in events[:-1])
    first = json.loads(events[0][len("data: ") :])
    assert first["choices"][0]["delta"]["role"] == "assistant"


# -- embeddings ---------------------------------------------------------------------------


def test_embeddings_float_and_base64_agree(srv):
    texts = ["충북 창업", "청년 지원금", "충북 창업"]
    with client(srv) as c:
        as_float = c.embeddings.create(model=EMB_MODEL, input=texts, encoding_format="float")
        as_b64 = c.embeddings.create(model=EMB_MODEL, input=texts, encoding_format="base64")
        default = c.embeddings.create(model=EMB_MODEL, input=texts)  # client asks for base64
        single = c.embeddings.create(model=EMB_MODEL, input="충북 창업", dimensions=8)

    assert as_float.object == "list" and as_float.model == EMB_MODEL
    assert [d.index for d in as_float.data] == [0, 1, 2]
    assert all(d.object == "embedding" for d in as_float.data)
    assert as_float.usage.prompt_tokens > 0
    float_vecs = np.array([d.embedding for d in as_float.data])
    b64_vecs = np.array(
        [np.frombuffer(base64.b64decode(d.embedding), dtype="<f4") for d in as_b64.data]
    )
    default_vecs = np.array([d.embedding for d in default.data])
    assert float_vecs.shape == (3, 32)
    np.testing.assert_array_equal(float_vecs, b64_vecs)
    np.testing.assert_array_equal(float_vecs, default_vecs)
    np.testing.assert_allclose(np.linalg.norm(float_vecs, axis=1), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(float_vecs[0], float_vecs[2])  # deterministic
    assert not np.allclose(float_vecs[0], float_vecs[1])
    assert float_vecs[0].tolist() == srv.embed("충북 창업")
    assert len(single.data[0].embedding) == 8

    bodies = srv.embedding_requests()
    assert [b.get("encoding_format") for b in bodies] == ["float", "base64", "base64", "base64"]


def test_embeddings_accept_token_arrays(srv):
    with client(srv) as c:
        resp = c.embeddings.create(model=EMB_MODEL, input=[[1, 2, 3], [4, 5]])
    assert len(resp.data) == 2
    assert resp.data[0].embedding == pytest.approx(srv.embed([1, 2, 3]))
    assert resp.usage.prompt_tokens == 5


@pytest.mark.asyncio
async def test_async_embeddings(srv):
    async with aclient(srv) as c:
        resp = await c.embeddings.create(model=EMB_MODEL, input="질문")
    assert resp.data[0].embedding == srv.embed("질문")


# -- errors, retries, timeouts, auth ------------------------------------------------------


def test_429_then_success_with_client_retry(srv):
    srv.script_error(status=429, message="Rate limit reached", headers={"retry-after": "0"})
    srv.script_reply("after retry")
    with client(srv, max_retries=1) as c:
        resp = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert resp.choices[0].message.content == "after retry"
    assert len(srv.chat_requests()) == 2
    assert [h["x-stainless-retry-count"] for _, _, h in srv.requests] == ["0", "1"]


def test_429_without_retries_raises_rate_limit_error(srv):
    srv.script_error(429, headers={"retry-after-ms": "10"})
    with client(srv) as c, pytest.raises(openai.RateLimitError) as exc:
        c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert exc.value.code == "rate_limit_exceeded"
    assert exc.value.response.headers["retry-after-ms"] == "10"


def test_500_raises_internal_server_error(srv):
    srv.script_error(500)
    with client(srv, max_retries=0) as c, pytest.raises(openai.InternalServerError) as exc:
        c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert exc.value.status_code == 500
    assert exc.value.type == "server_error"


def test_scripted_error_on_stream_request(srv):
    srv.script_error(503)
    with client(srv) as c, pytest.raises(openai.InternalServerError):
        c.chat.completions.create(
            model=MODEL, messages=[{"role": "user", "content": "q"}], stream=True
        )


def test_errors_scripted_for_chat_do_not_hit_embeddings(srv):
    srv.script_error(500)
    srv.script_error(429, endpoint="embeddings")
    with client(srv) as c:
        with pytest.raises(openai.RateLimitError):
            c.embeddings.create(model=EMB_MODEL, input="x")
        with pytest.raises(openai.InternalServerError):
            c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])


def test_delay_triggers_client_timeout(srv):
    srv.script_delay(3)
    srv.script_reply("too late")
    with client(srv, timeout=0.5) as c:
        start = time.monotonic()
        with pytest.raises(openai.APITimeoutError):
            c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
        assert time.monotonic() - start < 2
        # the delayed item was consumed; the server keeps serving
        resp = c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert resp.choices[0].message.content == "fake answer"


@pytest.mark.asyncio
async def test_async_delay_triggers_timeout(srv):
    srv.script_delay(3)
    async with aclient(srv, timeout=0.5) as c:
        with pytest.raises(openai.APITimeoutError):
            await c.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "q"}]
            )


def test_wrong_key_is_rejected(srv):
    with (
        client(srv, api_key="sk-wrong-key-1234") as c,
        pytest.raises(openai.AuthenticationError) as exc,
    ):
        c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert exc.value.status_code == 401
    assert exc.value.code == "invalid_api_key"


def test_missing_key_error_shape(srv):
    status, _, raw = raw_request(srv, "GET", "/v1/models")
    assert status == 401
    err = json.loads(raw)["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["code"] == "invalid_api_key"


def test_unknown_model(srv):
    with client(srv) as c:
        with pytest.raises(openai.NotFoundError) as exc:
            c.chat.completions.create(
                model="gpt-nonexistent", messages=[{"role": "user", "content": "q"}]
            )
        assert exc.value.code == "model_not_found"
        with pytest.raises(openai.NotFoundError):
            c.models.retrieve("gpt-nonexistent")
        assert c.models.retrieve(MODEL).id == MODEL
        ids = [m.id for m in c.models.list()]
    assert MODEL in ids and EMB_MODEL in ids


def test_unknown_path_and_bad_json(srv):
    auth = {"Authorization": f"Bearer {KEY}"}
    status, _, raw = raw_request(srv, "POST", "/v1/nope", {}, auth)
    assert status == 404 and "error" in json.loads(raw)
    conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
    conn.request("POST", "/v1/chat/completions", body=b"{not json", headers=auth)
    resp = conn.getresponse()
    assert resp.status == 400 and json.loads(resp.read())["error"]["type"]
    conn.close()


def test_responder_exception_becomes_500(srv):
    def boom(_req):
        raise RuntimeError("responder bug")

    srv.responder = boom
    with client(srv) as c, pytest.raises(openai.InternalServerError):
        c.chat.completions.create(model=MODEL, messages=[{"role": "user", "content": "q"}])
    assert "responder bug" in srv.handler_errors[0]


def test_without_api_key_anything_goes():
    with FakeOpenAI(models=None) as srv, client(srv, api_key="whatever") as c:
        resp = c.chat.completions.create(
            model="any-model", messages=[{"role": "user", "content": "q"}]
        )
        assert resp.choices[0].message.content == "fake answer"
        assert srv.env()["OPENAI_BASE_URL"] == srv.base_url


# -- langchain-openai ---------------------------------------------------------------------


def test_langchain_chat_openai(srv):
    from langchain_core.messages import HumanMessage, SystemMessage
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model=MODEL, base_url=srv.base_url, api_key=KEY, temperature=0, max_retries=0)
    srv.script_reply(ANSWER, usage=(40, 10))
    msg = llm.invoke([SystemMessage("시스템 프롬프트"), HumanMessage("질문")])
    assert msg.content == ANSWER
    assert msg.usage_metadata["input_tokens"] == 40
    assert msg.usage_metadata["output_tokens"] == 10

    srv.script_reply(ANSWER, usage=(41, 11))
    pieces = list(llm.stream("질문", stream_usage=True))
    assert len(pieces) > 3
    assert "".join(p.content for p in pieces) == ANSWER
    total = pieces[0]
    for p in pieces[1:]:
        total = total + p
    assert total.usage_metadata["total_tokens"] == 52

    first, second = srv.chat_requests()
    assert first["messages"][0] == {"role": "system", "content": "시스템 프롬프트"}
    assert first["temperature"] == 0
    assert second["stream"] is True
    assert second["stream_options"] == {"include_usage": True}


@pytest.mark.asyncio
async def test_langchain_chat_openai_async(srv):
    from langchain_openai import ChatOpenAI

    llm = ChatOpenAI(model=MODEL, base_url=srv.base_url, api_key=KEY, max_retries=0)
    srv.script_reply("비동기 답변")
    msg = await llm.ainvoke("질문")
    assert msg.content == "비동기 답변"
    srv.script_reply("비동기 스트림 답변")
    text = "".join([c.content async for c in llm.astream("질문")])
    assert text == "비동기 스트림 답변"


def test_langchain_embeddings(srv):
    from langchain_openai import OpenAIEmbeddings

    emb = OpenAIEmbeddings(
        model=EMB_MODEL,
        base_url=srv.base_url,
        api_key=KEY,
        check_embedding_ctx_length=False,  # avoid tiktoken (needs a network download)
        max_retries=0,
    )
    docs = emb.embed_documents(["문서 하나", "문서 둘"])
    query = emb.embed_query("문서 하나")
    assert len(docs) == 2 and len(docs[0]) == 32
    assert docs[0] == pytest.approx(srv.embed("문서 하나"))
    assert query == pytest.approx(docs[0])
    assert srv.embedding_requests()[0]["input"] == ["문서 하나", "문서 둘"]
