"""The page's own behaviour, as one script in the page head (Gradio has no hook for these):

- a new question's bubble is kept at the top of the chat while its answer streams in, so the
  answer's first sentence stays in view (until the reader scrolls);
- a message's copy button gives the clean text the server put in its hidden `.tk-copy` element;
- the feedback form opens right under the message rated (whatever language the thumbs are labelled in);
- each message's accessible name is its plain text (an answer's is the clean text of `.tk-copy`),
  not the Markdown and HTML Gradio would read out;
- a reply's [n] opens its source's card (title, evidence level, date, what it says, link);
- "Share" under an answer asks the server for a brief (a hidden box and button carry the message
  id), and the share panel's "copy link" copies the brief's full address;
- on a phone, choosing a conversation or a new chat closes the sidebar that covers the page;
- as the question box grows (a long paste), the chat above it shrinks by as much (`--tk-input-extra`),
  so the header and Send stay on screen;
- once the page is being left, Gradio's reconnection never reloads it over the navigation under way;
- the page stays hidden until page load has put every label in the reader's language (`REVEAL_JS`,
  which runs once the load has ended, whether it succeeded or failed), so it never draws in the other
  language first; no timer shows it earlier, as a busy server may take longer than any timer.
"""

from __future__ import annotations

PAGE_SCRIPT = """
(() => {
  const scroller = () => document.querySelector('#tk-chat .bubble-wrap');
  let seen = 0;        // user bubbles seen so far
  let pinned = -1;     // index of the user bubble kept at the top, -1 when the reader has scrolled

  function keepQuestionOnTop() {
    const box = scroller();
    const rows = box ? box.querySelectorAll('.message-row.user-row') : [];
    if (rows.length > seen) pinned = rows.length - 1;
    seen = rows.length;
    if (pinned < 0 || !rows[pinned]) return;
    const top = rows[pinned].getBoundingClientRect().top - box.getBoundingClientRect().top + box.scrollTop - 8;
    if (Math.abs(box.scrollTop - top) > 1) box.scrollTop = top;
  }
  const later = (fn) => { let queued = false; return () => { if (!queued) { queued = true; requestAnimationFrame(() => { queued = false; fn(); }); } }; };
  new MutationObserver(later(keepQuestionOnTop)).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
  const letGo = (event) => { if (event.target.closest && event.target.closest('#tk-chat')) pinned = -1; };
  for (const name of ['wheel', 'touchmove', 'keydown', 'pointerdown']) document.addEventListener(name, letGo, { capture: true, passive: true });

  document.addEventListener('click', (event) => {
    const button = event.target.closest && event.target.closest('#tk-chat button[aria-label="Copy message"]');
    const row = button && button.closest('.message-buttons') && button.closest('.message-buttons').previousElementSibling;
    const clean = row && row.querySelector('.tk-copy');
    if (!clean || !navigator.clipboard) return;
    // Gradio's own handler writes the raw message on this click; ours runs after it and wins.
    setTimeout(() => navigator.clipboard.writeText(clean.textContent), 0);
  }, { capture: true });

  let rated = null;    // the buttons row of the message last rated
  document.addEventListener('click', (event) => {
    // Gradio labels the thumbs in the browser's language (Like/Dislike, 赞/踩, ...): any button of
    // a message's row but copy may be a rating; the form only shows after a real one.
    const button = event.target.closest && event.target.closest('#tk-chat .message-buttons button');
    if (button && button.getAttribute('aria-label') !== 'Copy message') rated = button.closest('.message-buttons');
  }, { capture: true });
  function placeForm() {  // the open form floats right under the rated message, inside the chat
    const form = document.getElementById('tk-feedback');
    const box = document.querySelector('#tk-chat .bubble-wrap');
    if (!form || !box || !rated || !rated.isConnected || form.getClientRects().length === 0) return;
    const chat = box.getBoundingClientRect(), below = rated.getBoundingClientRect().bottom + 4;
    const top = Math.max(chat.top, Math.min(below, innerHeight - form.offsetHeight - 8));
    Object.assign(form.style, { position: 'fixed', zIndex: 50, left: `${chat.left + 8}px`, width: `${chat.width - 16}px`, top: `${top}px` });
  }
  new MutationObserver(later(placeForm)).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ['class', 'style'] });
  document.addEventListener('scroll', placeForm, { capture: true, passive: true });
  addEventListener('resize', placeForm);

  const zh = () => (document.documentElement.lang || '').startsWith('zh');
  function nameMessages() {  // accessible names: the plain text, not Markdown and HTML
    for (const bubble of document.querySelectorAll('#tk-chat [data-testid="bot"], #tk-chat [data-testid="user"]')) {
      const clean = bubble.querySelector('.tk-copy');
      const text = (clean ? clean.textContent : bubble.innerText || '').trim().slice(0, 2000);
      const who = bubble.dataset.testid === 'user' ? (zh() ? '你：' : 'You: ') : (zh() ? '助手：' : 'Assistant: ');
      if (bubble.getAttribute('aria-label') !== who + text) bubble.setAttribute('aria-label', who + text);
    }
  }
  new MutationObserver(later(nameMessages)).observe(document.documentElement, { childList: true, subtree: true, characterData: true });

  let card = null;     // the open source card
  function closeCard() { if (card) { card.remove(); card = null; } }
  function openCard(ref) {
    const message = ref.closest('.message-content, .message') || document;
    const number = [...ref.classList].find((c) => c.startsWith('tk-ref-')).slice(7);  // the sanitiser keeps classes only
    const chip = message.querySelector(`.tk-chip.tk-n-${number} .tk-card`);
    if (!chip) return;
    closeCard();
    card = document.createElement('div');
    card.id = 'tk-source-card';
    card.setAttribute('role', 'dialog');
    card.setAttribute('aria-label', ref.title || '');
    card.innerHTML = chip.innerHTML;
    const close = document.createElement('button');
    close.type = 'button'; close.className = 'tk-card-close'; close.textContent = '×';
    close.setAttribute('aria-label', zh() ? '关闭' : 'Close');
    close.addEventListener('click', closeCard);
    card.prepend(close);
    document.body.appendChild(card);
    const r = ref.getBoundingClientRect(), width = Math.min(360, innerWidth - 16);
    const left = Math.max(8, Math.min(r.left, innerWidth - width - 8));
    const below = r.bottom + 6 + card.offsetHeight < innerHeight - 8;
    Object.assign(card.style, { left: `${left}px`, width: `${width}px`, top: `${below ? r.bottom + 6 : Math.max(8, r.top - 6 - card.offsetHeight)}px` });
    close.focus();
  }
  document.addEventListener('click', (event) => {
    const ref = event.target.closest && event.target.closest('#tk-chat .tk-ref');
    if (ref) { event.preventDefault(); event.stopPropagation(); openCard(ref); return; }
    if (card && !card.contains(event.target)) closeCard();
  }, { capture: true });
  document.addEventListener('keydown', (event) => { if (event.key === 'Escape') closeCard(); });
  document.addEventListener('scroll', (event) => { if (card && !card.contains(event.target)) closeCard(); }, { capture: true, passive: true });

  document.addEventListener('click', (event) => {
    const share = event.target.closest && event.target.closest('#tk-chat .tk-share');
    if (share) {
      const box = document.querySelector('#tk-share-id textarea, #tk-share-id input');
      box.value = [...share.classList].find((c) => c.startsWith('tk-msg-')).slice(7);
      box.dispatchEvent(new Event('input', { bubbles: true }));
      setTimeout(() => document.querySelector('#tk-share-go').click(), 0);
      return;
    }
    const copy = event.target.closest && event.target.closest('#tk-share-copy');
    if (copy) {
      const link = new URL(document.getElementById('tk-share-link').getAttribute('href'), location.href).href;
      (navigator.clipboard ? navigator.clipboard.writeText(link) : Promise.reject()).then(() => { copy.textContent = copy.dataset.done; }, () => {});
    }
  });

  document.addEventListener('click', (event) => {  // on a phone the open sidebar covers the page: close it once used
    const used = event.target.closest && event.target.closest('#tk-new-chat, #tk-conversations label');
    const toggle = document.querySelector('#tk-sidebar .toggle-button');
    if (used && toggle && innerWidth <= 640 && document.querySelector('#tk-sidebar.open')) setTimeout(() => toggle.click(), 0);
  });

  let oneLine = 0;
  const fitInput = () => {
    const box = document.querySelector('#tk-input textarea');
    if (!box) return;
    const height = box.getBoundingClientRect().height;
    if (!oneLine || height < oneLine) oneLine = height;
    const extra = `${Math.max(0, Math.round(height - oneLine))}px`;
    if (document.documentElement.style.getPropertyValue('--tk-input-extra') !== extra) {
      document.documentElement.style.setProperty('--tk-input-extra', extra);
    }
  };
  new ResizeObserver(later(fitInput)).observe(document.documentElement);
  new MutationObserver(later(fitInput)).observe(document.documentElement, { attributes: true, subtree: true, attributeFilter: ['style'] });

  // Once the page is being left, Gradio has closed its connection (its own `beforeunload` listener,
  // which runs before this one); an event still running then fails as a lost connection, and Gradio
  // polls the server every 2 s to reload the page when it answers, which aborts the navigation under
  // way when the next page takes longer (a reload on a busy server). The poll is told the server is
  // away until this page is gone.
  let leaving = false;
  addEventListener('beforeunload', () => { leaving = true; });
  const fetchFirst = window.fetch;
  window.fetch = (resource, options) => {
    const sent = fetchFirst(resource, options);
    const probe = leaving && String(resource instanceof Request ? resource.url : resource).endsWith('/gradio_api/app_id');
    return probe ? sent.then(() => { throw new TypeError('the page is being left'); }) : sent;
  };
})();
"""

PAGE_LANG_JS = "(lang) => { document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en'; }"
"""Run with the interface language: the page's `lang` (screen readers, fonts, and the script above) follows it."""

REVEAL_JS = ("(lang) => { document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';"
             " requestAnimationFrame(() => document.body.classList.add('tk-ready')); }")
"""Run after page load (`.then`: also when it failed) has relabelled the page: set its language and show it."""
