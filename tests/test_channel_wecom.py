"""WeCom (企业微信) over a real server: the official callback algorithm against its published test
vectors, and the app against a local stand-in of WeCom's API."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from chat_standins import WECOM, WeComStandIn, wecom_crypto, wecom_post, wecom_text
from service_support import serving, shared_advisor

from assistant.service.channels.wecom import session_of
from assistant.service.channels.wecom_crypto import WeComCrypto, WeComCryptoError

QUESTION = "AI生成的视频GPM比原创低多少？"
ECHO = "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA=="
SAMPLE = ("Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+F"
          "q72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbf"
          "vhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXA"
          "yh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+")


def test_the_published_test_vectors() -> None:
    """WeCom's callback sample (weworkapi_python/callback/Sample.py): URL check and message."""
    crypto = wecom_crypto()
    crypto.verify("012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb", "1476416373", "47744683", ECHO)
    assert crypto.decrypt(ECHO) == "1288432023552776189"
    crypto.verify("0c3914025cb4b4d68103f6bfc8db550f79dcf48e", "1476422779", "1597212914", SAMPLE)
    assert "<Content>你好</Content>" in crypto.decrypt(SAMPLE)
    with pytest.raises(WeComCryptoError):
        crypto.verify("0c3914025cb4b4d68103f6bfc8db550f79dcf48f", "1476422779", "1597212914", SAMPLE)
    with pytest.raises(WeComCryptoError):
        WeComCrypto(WECOM["wecom_token"], WECOM["wecom_aes_key"], "ww-another-corp").decrypt(SAMPLE)
    assert crypto.decrypt(crypto.encrypt("中文 message")) == "中文 message"


@pytest.fixture
def wecom() -> Iterator[WeComStandIn]:
    with WeComStandIn(expire_once=True).running() as api:
        yield api


@pytest.fixture
def url(wecom: WeComStandIn) -> Iterator[str]:
    with serving(wecom_api_base=wecom.url + "/cgi-bin", wecom_handoff="lisi", **WECOM) as base:
        yield base


def test_url_verification(url: str) -> None:
    crypto, stamp, nonce = wecom_crypto(), str(int(time.time())), "n1"
    echo = crypto.encrypt("echo-4242")
    params = {"msg_signature": crypto.signature(stamp, nonce, echo), "timestamp": stamp, "nonce": nonce, "echostr": echo}
    response = httpx.get(f"{url}/channels/wecom/events", params=params)
    assert response.status_code == 200 and response.text == "echo-4242"
    assert httpx.get(f"{url}/channels/wecom/events", params={**params, "msg_signature": "0" * 40}).status_code == 401


def test_a_message_is_answered_as_markdown_once(url: str, wecom: WeComStandIn) -> None:
    message = wecom_text(QUESTION, msg_id="9001")
    assert wecom_post(url, message).status_code == 200
    assert wecom_post(url, message).status_code == 200  # WeCom redelivers when the answer is slow
    sends = wecom.wait_for("/message/send", 2)  # the first got 42001 (token expired): a new token, sent again
    time.sleep(0.5)
    assert len(wecom.calls_to("/message/send")) == 2 and len(wecom.calls_to("/gettoken")) == 2
    sent = sends[-1].body
    assert (sent["touser"], sent["msgtype"], sent["agentid"]) == ("zhangsan", "markdown", 1000002)
    content = sent["markdown"]["content"]
    stored = shared_advisor().store.history(session_of("zhangsan"))[-1]
    assert "[1]" in content and "[gpm-aigc-vs-original]" not in content and "**来源**" in content
    assert content.count("](http") == len(stored.meta["citations"]), "each source linked once"
    assert len(content.encode()) <= 4096


def test_forged_stale_and_malformed_requests_are_refused(url: str, wecom: WeComStandIn) -> None:
    assert wecom_post(url, wecom_text(QUESTION, msg_id="9002"), signature="0" * 40).status_code == 401
    assert wecom_post(url, wecom_text(QUESTION, msg_id="9003"), age=600).status_code == 401
    doctype = '<!DOCTYPE x [<!ENTITY a "b">]><xml><Encrypt>&a;</Encrypt></xml>'
    assert httpx.post(f"{url}/channels/wecom/events", content=doctype.encode(), params={"timestamp": "1"}).status_code == 400
    time.sleep(0.3)
    assert wecom.calls_to("/message/send") == []


def test_replies_rate_show_details_and_hand_off(url: str, wecom: WeComStandIn) -> None:
    wecom_post(url, wecom_text(QUESTION, msg_id="9010", user="wangwu"))
    wecom.wait_for("/message/send", 2)
    stored = shared_advisor().store.history(session_of("wangwu"))[-1]
    wecom_post(url, wecom_text("👎", msg_id="9011", user="wangwu"))
    wecom.wait_for("/message/send", 3)
    assert any(r.message_id == stored.id and r.rating == -1 and r.channel == "wecom" for r in shared_advisor().store.feedback())
    wecom_post(url, wecom_text("详情", msg_id="9012", user="wangwu"))
    wecom.wait_for("/message/send", 4)
    assert stored.meta["details"][:20] in wecom.calls_to("/message/send")[-1].body["markdown"]["content"]
    wecom_post(url, wecom_text("转人工", msg_id="9013", user="wangwu"))
    sends = wecom.wait_for("/message/send", 6)
    assert {s.body["touser"] for s in sends[-2:]} == {"lisi", "wangwu"}, "the colleague is told, the seller too"
