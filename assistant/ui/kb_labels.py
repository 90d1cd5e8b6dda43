"""The knowledge base's topic and market tags in the reader's language (filters and entry cards)."""

from __future__ import annotations

from assistant.kb.schema import Lang

TOPICS: dict[str, tuple[str, str]] = {
    # tag: (Chinese, English)
    "account": ("账号", "accounts"),
    "ads": ("广告投放", "ads"),
    "affiliate": ("联盟带货", "affiliate"),
    "aigc": ("AI生成内容", "AI content"),
    "appeal": ("申诉", "appeals"),
    "attribution": ("成交归因", "attribution"),
    "avatar": ("数字人", "digital humans"),
    "category": ("类目", "categories"),
    "commission": ("佣金", "commission"),
    "cost": ("成本", "costs"),
    "creator": ("创作者", "creator"),
    "creators": ("达人", "creators"),
    "currency": ("汇率", "currency"),
    "customer-service": ("客服", "customer service"),
    "detection": ("AI识别", "AI detection"),
    "douyin": ("抖音", "Douyin"),
    "eu": ("欧盟", "EU"),
    "fees": ("平台费用", "fees"),
    "fulfilment": ("履约", "fulfilment"),
    "gmv": ("GMV", "GMV"),
    "gpm": ("GPM", "GPM"),
    "health": ("健康与功效宣称", "health claims"),
    "hype": ("热度与炒作", "hype"),
    "image-post": ("图文", "image posts"),
    "japan": ("日本", "Japan"),
    "labeling": ("AI标注", "AI labels"),
    "live": ("直播", "LIVE"),
    "listing": ("商品详情页", "listings"),
    "market": ("市场", "markets"),
    "metrics": ("数据指标", "metrics"),
    "models": ("AI模特", "AI models"),
    "music": ("音乐", "music"),
    "organisation": ("团队组织", "team"),
    "originality": ("原创度", "originality"),
    "performance": ("店铺表现", "shop performance"),
    "policy": ("平台规则", "platform rules"),
    "product-selection": ("选品", "product choice"),
    "reach": ("流量与曝光", "reach"),
    "regulation": ("法规", "regulation"),
    "risk": ("风险", "risk"),
    "samples": ("样品", "samples"),
    "sea": ("东南亚", "Southeast Asia"),
    "share": ("占比", "share"),
    "strategy": ("策略", "strategy"),
    "testing": ("测试", "testing"),
    "throttling": ("限流", "throttling"),
    "voice": ("AI配音与声音", "AI voice"),
    "whitelist": ("报白账号", "whitelisted accounts"),
}

MARKETS: dict[str, tuple[str, str]] = {
    "US": ("美国", "US"),
    "UK": ("英国", "UK"),
    "EU": ("欧盟", "EU"),
    "SEA": ("东南亚", "Southeast Asia"),
    "JP": ("日本", "Japan"),
    "GLOBAL": ("全球", "global"),
}


def topic_label(topic: str, lang: Lang) -> str:
    """A topic tag as a reader's word (an unlisted tag shows as written, hyphens as spaces)."""
    if topic not in TOPICS:
        return topic.replace("-", " ")
    return TOPICS[topic][0 if lang == "zh" else 1]


def market_label(market: str, lang: Lang) -> str:
    return MARKETS[market][0 if lang == "zh" else 1] if market in MARKETS else market
