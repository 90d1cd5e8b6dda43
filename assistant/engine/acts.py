"""What a question asks for (its act): the reply's shape follows it.

Cues catch the plain forms; the bundled sentence encoder places everything else by its nearest
labelled exemplars (both languages), so unseen phrasings land. Whole-message forms (a greeting,
thanks) need the message to be nothing else.
"""

from __future__ import annotations

import functools
import re
import threading
from typing import Literal

import numpy as np

from assistant.kb.embeddings import unit, use_model

Act = Literal["greeting", "help", "thanks", "compute", "diagnose", "decide", "comply", "source", "explain", "out_of_scope"]

_FLAGS = re.IGNORECASE
_ONLY = r"[\s!！?？。.,，~～…😀-🙏]*"
_THANKS = re.compile(rf"^(谢谢|多谢|感谢|谢了|谢啦|辛苦了?|thx|thanks?( a lot| so much)?|thank you( so much)?|ty|cheers|好的谢谢|ok thanks)"
                     rf"(老师|哥|姐|兄弟|亲|大佬|bro|man|mate|buddy)?{_ONLY}$", _FLAGS)
_GREETING = re.compile(rf"^((hi|hello|hey|yo|hiya)( there| all| guys| team| folks)?|你好|您好|在吗|在不在|在么|哈喽|嗨|hello there|good (morning|afternoon|evening)|早|早上好){_ONLY}$", _FLAGS)
_HELP = re.compile(
    r"你(能|会|可以)(干|做|帮)(什么|啥|嘛|些什么)|能帮我(做|干)?(什么|啥)|你是(谁|干什么的|做什么的)|怎么用你|有什么功能"
    r"|what can you do|what do you do|what (do|can) you help( me)? with|who are you|how do(es)? (you|this) work|what are you|^help\W*$",
    _FLAGS,
)
_SOURCE = re.compile(
    r"谁说的|谁统计|谁测的|哪来的|哪里来的|从哪(来|里来|得出)|出处|来源|数据(从哪|哪来)|依据是什么|有依据吗|官方数据吗"
    r"|who (says|said|measured|counted|claims)|says who|where (does|did|do|is) .{0,80}(come from|from)|what(?:'s| is) the source"
    r"|source for|real data|based on what",
    _FLAGS,
)
_DOUBT = re.compile(r"靠谱吗|靠不靠谱|真的假的|是真的吗|真的吗|可信(吗|度)|is (this|that|it) (really )?(real|true|legit|official)"
                    r"|how (reliable|credible|trustworthy|solid|accurate)|trustworthy|believable|can i trust|legit", _FLAGS)
_CLAIM = re.compile(r"数据|数字|说法|这个数|占比|比例|gpm|%|\d|figure|number|stat|claim|data|share|percent", _FLAGS)
"""A doubt ("靠谱吗") is about a source when it names a figure or a claim; else it is about a course of action."""
_COMPLY = re.compile(
    r"违规|合规|违反|允许|不允许|被(封|罚|处罚|下架|限流)|限流吗|封号吗|权重|标注|打标|加标|标签|必须|规定|政策|算违规|侵权"
    r"|(可以|行|能)(吗|不|么)$|(可以|行)吗[？?]?|(能|可以)(搞|弄|上)(吗|不|么|得了)|能不能(用|发|做|把|改)|行不行|可不可以|允不允许|能发吗|可以发吗|能用吗|能不能发"
    r"|allowed|against the rules|violat|banned|ban my|get (me )?banned|must i|do i (have|need) to (label|disclose|tag)|label|disclos|policy|is it ok(ay)? to|can i (use|post|make|change|edit|alter|put|add|run|show|upload)|legal",
    _FLAGS,
)
_DIAGNOSE = re.compile(
    r"废了|凉了|没戏|完了吗|有救吗|正常吗|正不正常|算(高|低|好|差|正常)|高吗|低吗|好不好|行不行|怎么样|什么水平|健康吗|合理吗|达标|偏(低|高)"
    r"|good or bad|is (that|this|it|mine) (good|ok|okay|normal|low|high|bad|decent|healthy)|how (good|bad) is|normal\?|too low|too high|healthy",
    _FLAGS,
)
_DECIDE = re.compile(
    r"接不接|做不做|投不投|要不要接|值不值|值得|要不要|该不该|应不应该|应该|建议|能起来吗|起得来|可行吗|行得通|划算吗|能做吗|能不能做|还能做吗|适合|投哪个|选哪个|哪个(好|更|划算|值)|怎么选|all ?in"
    r"|是不是不行了|还有(戏|希望|机会)吗?|凉了吗|没前途"
    r"|should i|should we|worth|good idea|go all in|switch to|better to|which (one|should|is better)|makes? sense|recommend"
    r"|(?<![a-z])dead(?![a-z])|is (it|ai) over|doing (it|something|this) wrong|what am i doing wrong",
    _FLAGS,
)
_COMPUTE = re.compile(
    r"多少|几条|几单|算(一下|下|出)|算算|怎么算|能卖|能赚|回本|保本|投产比|roas|roi|跌了|涨了"
    r"|how much|how many|calculate|what(?:'s| is| are) (my|the) (gpm|gmv|roas|roi|total)|what (gmv|sales|revenue)|total sales|break[- ]?even|expected loss|\bgpm\?",
    _FLAGS,
)
_EXPLAIN = re.compile(r"怎么|如何|为什么|为啥|什么是|是什么|啥是|how (do|to|can|should)|why|what is|what are|explain", _FLAGS)

_EXEMPLARS: dict[Act, tuple[str, ...]] = {
    "compute": (
        "我的视频20万播放，GPM 12，能卖多少", "30条视频一共12万播放出了18单，GMV多少", "要做到1万刀GMV需要多少播放",
        "How much GMV will 200k views at GPM 12 bring?", "What's my GPM with 42 orders at $18.5 and 95k views?",
        "How many views do I need to break even on a $300 creator video?",
    ),
    "diagnose": (
        "我的AI视频GPM只有3，正常吗", "一条视频5万播放出了2单，这数据算差吗", "我们的转化率这样算什么水平",
        "My AI videos get a GPM of 4, is that normal?", "45 videos, 9k views each, $900 total, good or bad?",
        "Are these numbers healthy for a new shop?",
    ),
    "decide": (
        "新店要不要全做AI视频", "纯AI视频起号能起来吗", "预算3000刀该投达人还是AI视频", "AI视频还值得做吗",
        "Should I make AI videos my main content?", "Is it worth going all in on AI content?", "Which should I scale, AI or creators?",
        "Would you recommend AI videos for a beauty brand?", "Is AI dead for TikTok Shop?", "AI视频是不是不行了",
        "My AI videos get 2k views and sell nothing, what am I doing wrong?",
    ),
    "comply": (
        "用AI把产品颜色改一下可以吗", "AI生成的视频要不要打标", "AI数字人带货会被封吗", "不标注AI会被处罚吗",
        "Can I use AI to make the product look bigger?", "Do I have to label AI voiceovers?", "Is an AI avatar allowed in LIVE?",
        "Will TikTok ban my account for posting AI videos?",
    ),
    "source": (
        "这个GPM 10-16的数据靠谱吗", "AI占比不到5%是谁说的", "这些数字从哪来的，有官方数据吗",
        "Who says AI videos only get a GPM of 10-16?", "Is that under-1% figure real data?", "Where does this number come from?",
    ),
    "explain": (
        "GPM是什么意思", "怎么判断自己是不是被限流了", "AI视频怎么测品", "被限流了怎么办",
        "What does GPM mean?", "How do I test products with AI videos?", "Why do AI videos convert worse?", "How does the AIGC label work?",
    ),
    "out_of_scope": (
        "帮我写个小红书文案", "亚马逊FBA费用多少", "今天天气怎么样", "推荐一部电影",
        "What are Amazon's FBA fees?", "Write me a poem", "How do I file taxes in Germany?",
    ),
}
_NEAREST_FLOOR = 0.35
"""Below this cosine to every exemplar, the act is `explain` (the general case)."""


class _Exemplars:
    """The exemplar vectors, encoded once per process on first use."""

    _lock = threading.Lock()
    _vectors: np.ndarray | None = None
    _labels: list[Act] = []

    @classmethod
    def nearest(cls, text: str) -> tuple[Act, float]:
        if cls._vectors is None:
            with cls._lock:
                if cls._vectors is None:
                    labels = [act for act, texts in _EXEMPLARS.items() for _ in texts]
                    texts = [t for group in _EXEMPLARS.values() for t in group]
                    cls._labels = labels
                    cls._vectors = unit(np.asarray(use_model().encode(texts), dtype=np.float32))
        query = unit(np.asarray(use_model().encode([text]), dtype=np.float32))[0]
        scores = cls._vectors @ query
        best = int(np.argmax(scores))
        return cls._labels[best], float(scores[best])


def _has_number(text: str) -> bool:
    return bool(re.search(r"\d|[一两二三四五六七八九十百千万]+(条|单|万|千|刀|块)", text))


def asks_judgement(text: str) -> bool:
    """The question asks whether a figure is good ("正常吗", "是不是废了", "is that low?")."""
    return bool(_DIAGNOSE.search(text))


def asks_source(text: str) -> bool:
    """The question asks where a figure or claim comes from, or doubts one (by its words, not by likeness)."""
    return bool(_SOURCE.search(text) or (_DOUBT.search(text) and _CLAIM.search(text)))


@functools.lru_cache(maxsize=4096)
def read_act(text: str) -> Act:
    """The act of one question (or one clause of it)."""
    stripped = text.strip()
    if _THANKS.match(stripped):
        return "thanks"
    if _GREETING.match(stripped):
        return "greeting"
    if _HELP.search(stripped):
        return "help"
    if asks_source(stripped):
        return "source"
    if _DOUBT.search(stripped):
        return "decide"
    numbers = _has_number(stripped)
    if numbers and _DIAGNOSE.search(stripped) and not _DECIDE.search(stripped):
        return "diagnose"
    if _COMPLY.search(stripped) and not (numbers and _COMPUTE.search(stripped)):
        return "comply"
    if _DECIDE.search(stripped):
        return "decide"
    if numbers and (_COMPUTE.search(stripped) or _DIAGNOSE.search(stripped)):
        return "compute" if not _DIAGNOSE.search(stripped) else "diagnose"
    if _EXPLAIN.search(stripped) or _COMPUTE.search(stripped):  # "占多少" with no number of the seller's: a fact
        return "explain"
    act, score = _Exemplars.nearest(stripped)
    if act in ("compute", "diagnose") and not numbers:
        return "explain"
    return act if score >= _NEAREST_FLOOR else "explain"
