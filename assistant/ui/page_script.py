"""The page's own behaviour, as one script in the page head (Gradio has no hook for these):

- a new question's bubble is kept at the top of the chat while its answer streams in, so the
  answer's first sentence stays in view (until the reader scrolls);
- a message's copy button gives the clean text the server put in its hidden `.tk-copy` element;
- the feedback form opens right under the message rated;
- the page stays hidden until page load has put every label in the reader's language (`REVEAL_JS`,
  with a fallback after a few seconds), so it never draws in the other language first.
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
    const thumb = event.target.closest && event.target.closest('#tk-chat button[aria-label="Like"], #tk-chat button[aria-label="Dislike"]');
    if (thumb) rated = thumb.closest('.message-buttons');
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

  setTimeout(() => document.body.classList.add('tk-ready'), 4000);
})();
"""

REVEAL_JS = "() => { requestAnimationFrame(() => document.body.classList.add('tk-ready')); }"
"""Run after page load has relabelled the page: show it."""
