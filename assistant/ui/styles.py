"""The look: a theme on system fonts (nothing fetched from a CDN) and the CSS for chips and cards."""

from __future__ import annotations

import gradio as gr

FONT_STACK = (
    "system-ui",
    "-apple-system",
    "Segoe UI",
    "PingFang SC",
    "Hiragino Sans GB",
    "Microsoft YaHei",
    "Noto Sans CJK SC",
    "WenQuanYi Micro Hei",
    "Helvetica Neue",
    "Arial",
    "sans-serif",
)
MONO_STACK = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "DejaVu Sans Mono", "monospace")


def theme() -> gr.themes.Base:
    """TikTok-ish accents on a calm neutral base, system fonts only."""
    return gr.themes.Soft(
        primary_hue=gr.themes.colors.rose,
        secondary_hue=gr.themes.colors.cyan,
        neutral_hue=gr.themes.colors.slate,
        radius_size=gr.themes.sizes.radius_md,
        font=FONT_STACK,
        font_mono=MONO_STACK,
    ).set(
        body_background_fill="#f6f7f9",
        block_shadow="none",
        block_title_background_fill="none",
        block_title_text_color="*neutral_700",
        block_title_text_weight="600",
        block_title_padding="0",
        button_primary_background_fill="*primary_500",
        button_primary_background_fill_hover="*primary_600",
        button_primary_text_color="white",
        button_primary_text_color_hover="white",
    )


CSS = """
.gradio-container { max-width: 1080px !important; margin: 0 auto !important; }
footer { display: none !important; }

/* Header: one compact row, the disclaimer one line that opens */
#tk-header { align-items: center; gap: 8px; padding: 0 2px; flex-wrap: nowrap; }
#tk-brand { flex: 1 1 0 !important; min-width: 0 !important; }
#tk-brand h1 { font-size: 1.3rem; font-weight: 700; margin: 0; letter-spacing: -0.01em; white-space: nowrap;
               overflow: hidden; text-overflow: ellipsis; }
#tk-brand h1 .tk-dot { color: #fe2c55; }
#tk-brand p { margin: 2px 0 0; color: #4b5563; font-size: 0.88rem; }
#tk-lang { flex: 0 0 auto !important; width: auto !important; min-width: 0 !important; }
#tk-lang .wrap { flex-wrap: nowrap; gap: 4px; }
#tk-lang label { padding: 2px 8px !important; }
.tk-disclaimer { font-size: 0.78rem; color: #6b7280; border-left: 3px solid #25f4ee; padding: 3px 8px;
                 background: #fff; border-radius: 6px; }
.tk-disclaimer > summary { contain: inline-size; cursor: pointer; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.tk-disclaimer p { margin: 4px 0 2px; }

/* Chat: the message list is the page's one scroll container; the input stays on screen */
#tk-chat { height: calc(min(640px, calc(100dvh - 250px)) - var(--tk-input-extra, 0px)) !important; min-height: 200px; }
#tk-chat .placeholder-content { overflow: visible; }
#tk-chat .top-panel { display: none !important; }  /* its clear icon covered the latest question; "New chat" replaces it */
#tk-chat .examples { display: grid !important; grid-template-columns: repeat(auto-fill, minmax(min(100%, 230px), 1fr));
                     gap: 8px; margin-top: 8px; }
#tk-chat .example { min-width: 0 !important; max-width: 100% !important; width: 100%; white-space: normal; cursor: pointer;
                    border: 1px solid #fda4af !important; background: #fff1f2 !important; border-radius: 12px;
                    padding: 8px 12px !important; text-align: left; color: #881337; box-shadow: 0 1px 2px rgb(0 0 0 / 0.05); }
#tk-chat .example:hover { background: #ffe4e6 !important; border-color: #fb7185 !important; }
#tk-chat .example-text::after { content: " →"; font-weight: 700; color: #fe2c55; }
/* Sources under an answer */
.tk-details { margin-top: 8px; border-top: 1px solid #e5e7eb; padding-top: 6px; font-size: 0.92em; }
.tk-details > summary { cursor: pointer; color: #2563eb; font-weight: 600; }
.tk-sources { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px;
              padding-top: 8px; border-top: 1px dashed #d1d5db; }
.tk-sources-label { font-size: 0.75rem; color: #6b7280; text-transform: uppercase; letter-spacing: 0.05em; margin-right: 2px; }
.tk-chip { display: inline-flex; flex-wrap: wrap; align-items: center; gap: 4px 6px; max-width: 100%;
           padding: 3px 10px 3px 6px; border: 1px solid #e5e7eb; border-radius: 10px; background: #fff;
           font-size: 0.8rem; line-height: 1.45; text-align: left; }
.tk-ref-no { font-size: 0.7rem; font-weight: 700; color: #6b7280; min-width: 1em; text-align: center; }
.tk-ref { font-size: 0.7em; color: #be123c; font-weight: 600; }
.tk-chip-title { font-weight: 600; color: #111827 !important; text-decoration: none !important; overflow-wrap: anywhere; }
a.tk-chip-title:hover { text-decoration: underline !important; }
.tk-chip-meta { color: #6b7280; font-size: 0.75rem; }
.tk-badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 0.72rem; font-weight: 600;
            white-space: nowrap; border: 1px solid transparent; }
.tk-ev-official .tk-badge, .tk-badge.tk-ev-official { background: #dcfce7; color: #166534; border-color: #86efac; }
.tk-ev-trade-press .tk-badge, .tk-badge.tk-ev-trade-press { background: #dbeafe; color: #1e40af; border-color: #93c5fd; }
.tk-ev-third-party .tk-badge, .tk-badge.tk-ev-third-party { background: #ede9fe; color: #5b21b6; border-color: #c4b5fd; }
.tk-ev-insider .tk-badge, .tk-badge.tk-ev-insider { background: #fef3c7; color: #92400e; border-color: #fcd34d; }
.tk-ev-author-opinion .tk-badge, .tk-badge.tk-ev-author-opinion { background: #f3f4f6; color: #374151; border-color: #d1d5db; }
.tk-copy { display: none; }
.tk-ref { display: inline-flex; align-items: flex-start; justify-content: center; border: 0; background: none; padding: 0;
          margin: 0 1px; cursor: pointer; font: inherit; font-size: 0.78em; line-height: 1.2; color: #be123c; font-weight: 700;
          min-width: 24px; min-height: 24px; vertical-align: text-top; }
.tk-ref:hover, .tk-ref:focus-visible { text-decoration: underline; outline: 2px solid #fda4af; border-radius: 4px; }
.tk-card { display: none !important; }
#tk-chat .edit-textarea { width: min(560px, 78vw) !important; min-height: 72px !important; }
.tk-stale-mark { color: #9a3412; font-size: 0.75rem; cursor: help; }
.tk-actions { margin-top: 8px; }
.tk-share { border: 1px solid #d1d5db; background: #fff; border-radius: 8px; padding: 0 14px; min-height: 32px;
            font-size: 0.85rem; font-weight: 600; color: #374151; cursor: pointer; }
.tk-share::before { content: "↗ "; color: #fe2c55; }
.tk-share:hover { border-color: #fb7185; color: #881337; }
.tk-flag { font-size: 0.72rem; font-weight: 600; padding: 0 6px; border-radius: 4px; }
.tk-disputed { background: #fee2e2; color: #991b1b; }
.tk-stale { background: #ffedd5; color: #9a3412; }

/* Notices */
.tk-notice { padding: 8px 12px; border-radius: 8px; font-size: 0.88rem; margin: 4px 0; }
.tk-notice-info { background: #ecfeff; color: #155e75; border: 1px solid #a5f3fc; }
.tk-notice-warning { background: #fffbeb; color: #92400e; border: 1px solid #fde68a; }
.tk-notice-error { background: #fef2f2; color: #991b1b; border: 1px solid #fecaca; }
#tk-notice:not(:has(.tk-notice)), #tk-calc-error:not(:has(.tk-notice)) { display: none; }

/* Chat input row */
#tk-input-row { align-items: flex-end; gap: 8px; flex-wrap: nowrap; }
#tk-input { flex: 1 1 auto !important; min-width: 0 !important; }
#tk-input textarea::placeholder { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
#tk-send { min-width: 72px !important; flex: 0 0 auto !important; }
#tk-input textarea { max-height: min(140px, 20dvh) !important; overflow-y: auto !important; }  /* a long paste scrolls inside */
#tk-stop { min-width: 72px !important; flex: 0 0 auto !important; }
#tk-share-hidden { display: none !important; }
#tk-share { border: 1px solid #e5e7eb; border-radius: 10px; padding: 8px 12px; background: #fff; }
.tk-share-body p { margin: 4px 0; font-size: 0.9rem; }
.tk-share-links { display: flex; flex-wrap: wrap; gap: 8px; }
.tk-share-links a, .tk-share-links button { display: inline-flex; align-items: center; min-height: 36px; padding: 0 14px;
                 border-radius: 8px; border: 1px solid #fda4af; background: #fff1f2; color: #881337 !important;
                 font-weight: 600; text-decoration: none !important; cursor: pointer; }
#tk-undo { align-items: center; gap: 8px; padding: 6px 12px; border-radius: 10px; background: #1f2937; color: #fff; }
#tk-undo .tk-undo-text { margin: 0; color: #fff; }
#tk-undo-button { min-height: 36px; }
#tk-feedback { border: 1px solid #e5e7eb; border-radius: 10px; padding: 8px; background: #fff; box-shadow: 0 6px 24px rgb(0 0 0 / 0.18); }

/* Knowledge cards */
#tk-entries { display: flex; flex-direction: column; gap: 10px; }
.tk-count { font-size: 0.85rem; color: #6b7280; margin: 0 0 4px; }
.tk-entry { background: #fff; border: 1px solid #e5e7eb; border-radius: 10px; padding: 12px 14px; }
.tk-entry header { display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }
.tk-entry h3 { margin: 0; font-size: 1rem; }
.tk-entry p { margin: 8px 0 0; font-size: 0.9rem; line-height: 1.55; }
.tk-guidance { color: #374151; background: #f9fafb; border-radius: 6px; padding: 6px 8px; }
.tk-entry footer { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 10px; }
.tk-tags { display: inline-flex; flex-wrap: wrap; gap: 4px; }
.tk-tag { font-size: 0.7rem; background: #f1f5f9; color: #475569; border-radius: 4px; padding: 0 6px; }
#tk-kb-pager { align-items: center; justify-content: center; gap: 12px; }
#tk-kb-page { flex: 0 0 auto !important; min-width: 0 !important; }
.tk-page { margin: 0; font-size: 0.85rem; color: #6b7280; white-space: nowrap; }

/* Dropdowns: long choices end in "…" before the arrow instead of running under it */
.secondary-wrap input { padding-right: 26px !important; text-overflow: ellipsis; }

/* Calculator results */
#tk-calc-result .tk-headline { font-size: 1.1rem; font-weight: 700; margin: 0 0 6px; }
#tk-calc-result code { white-space: pre-wrap; overflow-wrap: anywhere; }
#tk-calc-result li { margin: 3px 0; line-height: 1.55; }
#tk-calc-result .tk-source { font-size: 0.8rem; color: #6b7280; }
#tk-calc-result .tk-chip-title { font-weight: 600; }

@media (max-width: 640px) {
  .gradio-container { --layout-gap: 6px; }
  .tk-subtitle { display: none; }
  #tk-header { padding-left: 34px; }  /* room for the conversations toggle */
  #tk-brand h1 { font-size: 1.02rem; }
  #tk-brand p { display: none; }
  #tk-lang label { padding: 1px 6px !important; font-size: 0.8rem; }
  #tk-tabs .tab-wrapper, #tk-tabs .tab-container { min-width: 0 !important; }
  #tk-tabs button[role="tab"] { padding: 6px 10px; }
  #tk-chat { height: calc(100dvh - 244px - var(--tk-input-extra, 0px)) !important; min-height: 160px; }
  #tk-chat .message-row { max-width: 100% !important; }
  #tk-chat .message-wrap { margin-left: 0 !important; }
  #tk-send { min-width: 60px !important; }
  .tk-entry { padding: 10px; }
}
"""

PAGE_CSS = """
body:not(.tk-ready) .gradio-container .contain { visibility: hidden; }
.gradio-container > .main.app { padding-top: 8px; padding-bottom: 0; }
@media (max-width: 640px) {
  .gradio-container > .main.app { padding: 4px 6px 0; }
}
/* Send gives way to Stop while an answer is written */
body.tk-busy #tk-send, body:not(.tk-busy) #tk-stop { display: none !important; }
/* Targets of at least 24 px (WCAG 2.2): message buttons, the sidebar's controls */
#tk-chat .message-buttons button, #tk-chat .message-buttons .icon-button { min-width: 28px !important; min-height: 28px !important; }
#tk-sidebar button { min-height: 40px; }
#tk-sidebar .toggle-button { min-height: 32px; min-width: 32px; }
#tk-sidebar label { min-height: 32px; }
/* Edit is offered on the last question only (editing an earlier one would orphan the answers after it) */
#tk-chat .message-buttons-right:has(~ .message-row.user-row) button:not([aria-label="Copy message"]) { display: none !important; }
/* The open sidebar pushes the page aside on a wide screen instead of covering it */
@media (min-width: 900px) {
  body:has(#tk-sidebar.open) .gradio-container { margin-left: 296px !important; max-width: min(1080px, calc(100vw - 312px)) !important; }
}
/* On a phone the closed toggle scrolls away with the header instead of floating over the content */
@media (max-width: 640px) {
  #tk-sidebar:not(.open) { position: absolute !important; }
}
/* The undo offer after a delete floats above the input */
#tk-undo { position: fixed !important; left: 50%; transform: translateX(-50%); bottom: 88px; z-index: 60; width: auto !important;
           max-width: calc(100vw - 24px); box-shadow: 0 6px 24px rgb(0 0 0 / 0.25); flex-wrap: nowrap !important; }
/* The share panel opens over the chat, above the input */
#tk-share { position: fixed !important; left: 50%; transform: translateX(-50%); bottom: 84px; z-index: 65;
            width: min(560px, calc(100vw - 16px)) !important; box-shadow: 0 10px 30px rgb(0 0 0 / 0.25); }
#tk-share #tk-share, #tk-undo #tk-undo { position: static !important; transform: none !important; width: auto !important;
                                         box-shadow: none !important; border: 0 !important; }  /* Gradio repeats the id inside */
/* A source's card, opened from a [n] in the reply */
#tk-source-card { position: fixed; z-index: 70; box-sizing: border-box; background: #fff; border: 1px solid #e5e7eb; border-radius: 12px;
                  padding: 12px 36px 12px 14px; box-shadow: 0 10px 30px rgb(0 0 0 / 0.2); font-size: 0.88rem; line-height: 1.5;
                  display: flex; flex-direction: column; gap: 6px; color: #111827; }
#tk-source-card .tk-card-title { font-weight: 700; }
#tk-source-card .tk-card-title a, #tk-source-card .tk-chip-title { color: #1d4ed8 !important; }
#tk-source-card .tk-card-meta { color: #6b7280; font-size: 0.8rem; }
#tk-source-card .tk-badge { display: inline-block; padding: 0 8px; border-radius: 999px; font-size: 0.72rem; font-weight: 600; background: #f3f4f6; }
#tk-source-card .tk-ev-official { background: #dcfce7; color: #166534; }
#tk-source-card .tk-ev-insider { background: #fef3c7; color: #92400e; }
#tk-source-card .tk-ev-trade-press { background: #dbeafe; color: #1e40af; }
#tk-source-card .tk-ev-third-party { background: #ede9fe; color: #5b21b6; }
#tk-source-card .tk-flag { font-size: 0.75rem; font-weight: 600; padding: 0 6px; border-radius: 4px; background: #ffedd5; color: #9a3412; }
#tk-source-card .tk-card-close { position: absolute; top: 6px; right: 6px; width: 28px; height: 28px; border: 0; background: none;
                                 font-size: 1.2rem; cursor: pointer; color: #6b7280; }
"""
"""Rules for the page around the app, which Gradio's scoping of `CSS` (to inside `.contain`) cannot reach."""
