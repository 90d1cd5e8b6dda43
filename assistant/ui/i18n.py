"""Every string the web UI shows, in Chinese and English, and the registry that relabels the page."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.kb.schema import Evidence, Lang

LANGS: tuple[Lang, ...] = ("zh", "en")
LANG_CHOICES: list[tuple[str, Lang]] = [("中文", "zh"), ("English", "en")]

BROWSER_LANG_JS = "(navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en'"
"""A JS expression: the interface language that fits the browser's own."""

STRINGS: dict[str, dict[Lang, str]] = {
    # Header
    "app.tagline": {
        "zh": "面向 TikTok Shop 卖家的 AI 短视频决策建议：每个结论都有出处，每个数字都可复算。",
        "en": "Decisions on AI videos for TikTok Shop sellers: every claim has a source, every number can be rechecked.",
    },
    "app.disclaimer": {
        "zh": "证据等级从强到弱：官方政策 › 行业媒体 › 第三方估计 › 内部人士说法（未经证实）› 作者观点。"
        "请按证据等级权衡建议；本工具不构成财务或法律建议。",
        "en": "Evidence, strongest first: official policy › trade press › third-party estimate › insider claim "
        "(unverified) › author's opinion. Weigh the advice by its evidence; this is not financial or legal advice.",
    },
    "app.disclaimer_short": {
        "zh": "ⓘ 不构成财务或法律建议 · 请按证据等级权衡",
        "en": "ⓘ Not financial or legal advice · weigh it by its evidence",
    },
    "app.lang": {"zh": "界面语言", "en": "Language"},
    "tab.chat": {"zh": "对话", "en": "Chat"},
    "tab.calc": {"zh": "计算器", "en": "Calculators"},
    "tab.kb": {"zh": "知识库", "en": "Knowledge"},
    # Chat
    "chat.label": {"zh": "对话", "en": "Conversation"},
    "chat.placeholder": {
        "zh": "### 问我 TikTok Shop 的 AI 短视频问题\n值不值得做、能卖多少、成本怎么比、会不会限流。点下面的例子试试。",
        "en": "### Ask me about AI videos on TikTok Shop\nWhether they pay, what a video can sell, "
        "how costs compare, throttling risk. Try an example below.",
    },
    "chat.input": {"zh": "你的问题", "en": "Your question"},
    "chat.input_placeholder": {
        "zh": "例如：20万播放，GPM 12，能卖多少？",
        "en": "e.g. 200k views at GPM 12: what will it sell?",
    },
    "chat.send": {"zh": "发送", "en": "Send"},
    "chat.stop": {"zh": "■ 停止", "en": "■ Stop"},
    "chat.new": {"zh": "＋ 新对话", "en": "+ New chat"},
    "conv.title": {"zh": "对话记录", "en": "Conversations"},
    "conv.info": {"zh": "仅保存在本浏览器", "en": "Kept for this browser only"},
    "conv.rename_label": {"zh": "重命名当前对话", "en": "Rename this conversation"},
    "conv.rename_placeholder": {"zh": "新名称", "en": "New name"},
    "conv.rename": {"zh": "重命名", "en": "Rename"},
    "conv.delete": {"zh": "删除当前对话", "en": "Delete this conversation"},
    "conv.deleted": {"zh": "对话已删除。", "en": "Conversation deleted."},
    "conv.undo": {"zh": "撤销", "en": "Undo"},
    "tool.name.search_knowledge": {"zh": "查资料", "en": "Searching the knowledge base"},
    "tool.name.check_policy": {"zh": "查平台规则", "en": "Checking the platform's rules"},
    "tool.name.other": {"zh": "其他步骤", "en": "Another step"},
    "tool.doing": {"zh": "{what}…", "en": "{what}…"},
    "tool.did.search_knowledge": {"zh": "查了{n}条资料", "en": "Read {n} sources"},
    "tool.did.check_policy": {"zh": "查了平台规则", "en": "Checked the platform's rules"},
    "tool.did.calculator": {"zh": "算了{what}", "en": "Worked out: {what}"},
    "tool.failed": {"zh": "没算成：{what}", "en": "Could not work out: {what}"},
    "tool.line.search": {"zh": "查了{n}条资料：{titles}", "en": "Read {n} sources: {titles}"},
    "tool.line.calc": {"zh": "{what}：{result}", "en": "{what}: {result}"},
    "tool.line.error": {"zh": "{what}：没算成，{why}", "en": "{what}: not worked out, {why}"},
    "sources.label": {"zh": "来源", "en": "Sources"},
    "sources.open": {"zh": "来源{n}：{title}", "en": "Source {n}: {title}"},
    "share.button": {"zh": "分享", "en": "Share"},
    "share.title": {"zh": "决策简报已生成", "en": "Your decision brief is ready"},
    "share.ready": {
        "zh": "拿到链接的人无需登录即可只读查看（问题、结论、你的数字、来源与日期）。随时可以停止分享。",
        "en": "Anyone with the link can read it without signing in (question, verdict, your numbers, sources and dates). "
        "You can stop sharing at any time.",
    },
    "share.open": {"zh": "打开简报", "en": "Open the brief"},
    "share.pdf": {"zh": "PDF", "en": "PDF"},
    "share.copy": {"zh": "复制链接", "en": "Copy link"},
    "share.copied": {"zh": "已复制", "en": "Copied"},
    "share.revoke": {"zh": "停止分享", "en": "Stop sharing"},
    "share.close": {"zh": "关闭", "en": "Close"},
    "share.revoked": {"zh": "已停止分享：这个链接再也打不开了。", "en": "Sharing stopped: the link no longer opens."},
    "share.failed": {"zh": "这条回答无法分享（可能已被删除）。", "en": "This answer cannot be shared (it may have been deleted)."},
    "chip.disputed": {"zh": "⚖ 与「{titles}」相矛盾", "en": "⚖ disputed by {titles}"},
    "chip.disputed_others": {"zh": "另外 {n} 条资料", "en": "{n} other sources"},
    "chip.stale": {"zh": "⚠ 可能已过时", "en": "⚠ may be out of date"},
    "chip.stale_hint": {"zh": "该条目超过复核期限，请核实最新情况", "en": "Past its review date: check the current rules"},
    "notice.fallback": {
        "zh": "AI 模型暂时不可用，本回答由离线引擎生成（同样基于知识库和计算器）。",
        "en": "The AI model is unavailable right now, so the offline engine answered (still grounded in the knowledge base and calculators).",
    },
    "notice.ungrounded": {
        "zh": "部分数字或引用未能通过核对，请谨慎参考。",
        "en": "Some figures or citations could not be verified: treat them with care.",
    },
    "notice.ignored": {
        "zh": "消息里有一句想改变助手规则的指令，已忽略；下面只回答你的问题。",
        "en": "An instruction in the message tried to change the assistant's rules and was ignored; your question is answered below.",
    },
    "notice.error": {
        "zh": "出了点问题，这次没能回答。请稍后再试。",
        "en": "Something went wrong and no answer came back. Please try again in a moment.",
    },
    "answer.details": {"zh": "依据与测算", "en": "Evidence and numbers"},
    "notice.stopped": {"zh": "已停止：这条回答没有保存，问题还在输入框里。", "en": "Stopped: that answer was not saved; your question is back in the box."},
    "notice.edit_last_only": {
        "zh": "只能修改最后一个问题（之后的回答都建立在前面的问题上）。",
        "en": "Only the last question can be edited (the answers after an earlier one build on it).",
    },
    "notice.empty_edit": {"zh": "问题不能是空的。", "en": "The question cannot be empty."},
    "notice.rate_limited": {
        "zh": "提问太频繁了，请 {seconds} 秒后再试。你的问题还在输入框里。",
        "en": "Too many questions at once: try again in {seconds} s. Your question is still in the box.",
    },
    # Feedback
    "feedback.up": {"zh": "谢谢！还有什么想补充的吗？（可选）", "en": "Thanks! Anything to add? (optional)"},
    "feedback.down": {"zh": "这个回答哪里不好？（可选）", "en": "What was wrong with this answer? (optional)"},
    "feedback.comment": {"zh": "评论", "en": "Comment"},
    "feedback.comment_placeholder": {
        "zh": "例如：数字不对、来源过时、没回答我的问题……",
        "en": "e.g. a wrong number, an outdated source, it missed my question…",
    },
    "feedback.send": {"zh": "提交反馈", "en": "Send feedback"},
    "feedback.cancel": {"zh": "取消", "en": "Cancel"},
    "feedback.saved": {"zh": "反馈已保存，谢谢！", "en": "Feedback saved. Thank you!"},
    # Calculators
    "calc.intro": {
        "zh": "纯公式计算，不调用 AI。留空的字段使用知识库中引用的默认值，并注明出处；金额可写成 20万、1.5w、$3k。",
        "en": "Plain formulas, no AI. Blank fields use cited defaults from the knowledge base (with their source); "
        "amounts may be written as 200k, 1.5w, $3k or 20万.",
    },
    "calc.pick": {"zh": "选择计算器", "en": "Calculator"},
    "calc.run": {"zh": "计算", "en": "Calculate"},
    "calc.optional": {"zh": "可留空：使用引用的默认值", "en": "Optional: blank uses the cited default"},
    "calc.required": {"zh": "必填", "en": "Required"},
    "calc.series": {"zh": "用逗号分隔，按日期从早到晚，例如 120, 135, 160", "en": "Comma-separated, oldest first, e.g. 120, 135, 160"},
    "calc.blank_choice": {"zh": "默认", "en": "default"},
    "calc.formula": {"zh": "公式", "en": "Formula"},
    "calc.steps": {"zh": "计算步骤", "en": "Steps"},
    "calc.assumptions": {"zh": "假设与默认值", "en": "Assumptions and defaults"},
    "calc.source": {"zh": "出处", "en": "source"},
    "calc.chart": {"zh": "图表", "en": "Chart"},
    "chart.ai": {"zh": "AI视频", "en": "AI video"},
    "chart.creator": {"zh": "达人视频", "en": "Creator video"},
    "chart.original": {"zh": "自制原创", "en": "Own original"},
    "chart.cost_title": {"zh": "每 1,000 GMV 的内容成本", "en": "Content cost per 1,000 GMV"},
    "chart.cost_y": {"zh": "每 1,000 GMV 的成本", "en": "Cost per 1,000 GMV"},
    "chart.gmv_title": {"zh": "不同 GPM 下 GMV 随播放量的变化", "en": "GMV against views for each GPM"},
    "chart.gmv_x": {"zh": "播放量", "en": "Views"},
    "chart.gmv_y": {"zh": "GMV", "en": "GMV"},
    "chart.gmv_own_scale": {"zh": "高 GPM 单独刻度（与上图相差十倍以上）", "en": "Higher GPM on its own scale (ten times the chart above)"},
    "chart.line": {"zh": "曲线", "en": "Line"},
    "chart.option": {"zh": "内容方式", "en": "Content option"},
    "chart.gmv_line": {"zh": "GPM {gpm}", "en": "GPM {gpm}"},
    "chart.gmv_used": {"zh": "GPM {gpm}（本次计算）", "en": "GPM {gpm} (this calculation)"},
    "chart.risk_title": {"zh": "期望利润 vs 限流概率", "en": "Expected profit against throttle probability"},
    "chart.risk_x": {"zh": "限流概率", "en": "Throttle probability"},
    "chart.risk_y": {"zh": "期望利润", "en": "Expected profit"},
    "chart.break_even": {"zh": "盈亏平衡 {p}", "en": "break-even {p}"},
    "chart.yours": {"zh": "你的假设", "en": "your assumption"},
    # Knowledge
    "kb.intro": {
        "zh": "浏览建议背后的全部资料：每条都有来源、日期和证据等级。搜索支持中英文。",
        "en": "Browse every entry behind the advice, each with its source, date and evidence level. Search in Chinese or English.",
    },
    "kb.search": {"zh": "搜索", "en": "Search"},
    "kb.search_placeholder": {"zh": "例如：限流、GPM、达人佣金", "en": "e.g. throttling, GPM, creator commission"},
    "kb.topics": {"zh": "主题", "en": "Topics"},
    "kb.markets": {"zh": "市场", "en": "Markets"},
    "kb.evidence": {"zh": "证据等级", "en": "Evidence"},
    "kb.count": {"zh": "共 {n} 条", "en": "{n} entries"},
    "kb.previous": {"zh": "‹ 上一页", "en": "‹ Previous"},
    "kb.next": {"zh": "下一页 ›", "en": "Next ›"},
    "kb.page": {"zh": "第 {page} / {pages} 页", "en": "Page {page} of {pages}"},
    "kb.none": {"zh": "没有符合条件的条目，试试放宽筛选。", "en": "No entries match: try fewer filters."},
    "kb.guidance": {"zh": "对卖家的意义", "en": "What it means for you"},
    "kb.published": {"zh": "发布于 {date}", "en": "published {date}"},
    "kb.undated": {"zh": "未注明日期", "en": "undated"},
    "kb.reviewed": {"zh": "复核于 {date}", "en": "reviewed {date}"},
    # Evidence badges (short forms; the long labels come from the knowledge schema)
    "ev.official": {"zh": "官方", "en": "official"},
    "ev.trade-press": {"zh": "行业媒体", "en": "trade press"},
    "ev.third-party": {"zh": "第三方", "en": "third party"},
    "ev.insider": {"zh": "内部人士", "en": "insider"},
    "ev.author-opinion": {"zh": "观点", "en": "opinion"},
}

EXAMPLES: tuple[str, ...] = (
    "2026年新手要不要All in AI短视频?",
    "我的视频20万播放, GPM 12, 能卖多少?",
    "Is a $15 AI video cheaper per dollar of GMV than a $300 creator video?",
    "Will my account get throttled for AI videos?",
)


def t(key: str, lang: Lang, **values: object) -> str:
    """The string `key` in `lang`, with `{placeholders}` filled from `values`."""
    text = STRINGS[key][lang]
    return text.format(**values) if values else text


def evidence_badge(evidence: Evidence, lang: Lang) -> str:
    return t(f"ev.{evidence}", lang)


def normalize_lang(value: object) -> Lang:
    """A stored or browser-reported language as one of ours; anything unknown is English."""
    return "zh" if isinstance(value, str) and value.lower().startswith("zh") else "en"


Text = str | Callable[[Lang], Any]
"""A component property: an i18n key, or a function of the language for anything richer."""


class Labels:
    """Builds components whose properties follow the interface language; `updates(lang)` relabels them all."""

    def __init__(self, initial: Lang = "zh") -> None:
        self.initial = initial
        self._items: list[tuple[Any, dict[str, Text]]] = []

    def make(self, cls: Callable[..., Any], texts: dict[str, Text], **kwargs: Any) -> Any:
        """`cls(**kwargs)` with each property in `texts` (an i18n key or a function of lang) filled in."""
        component = cls(**kwargs, **self._resolve(texts, self.initial))
        self._items.append((component, texts))
        return component

    @property
    def components(self) -> list[Any]:
        return [component for component, _ in self._items]

    def updates(self, lang: Lang) -> list[dict[str, Any]]:
        """One `gr.update` per component, in the order they were made."""
        return [gr.update(**self._resolve(texts, lang)) for _, texts in self._items]

    @staticmethod
    def _resolve(texts: dict[str, Text], lang: Lang) -> dict[str, Any]:
        return {prop: text(lang) if callable(text) else t(text, lang) for prop, text in texts.items()}
