// Warn before the idle timeout signs the user out, and let them stay signed in
// (WCAG 2.2.1 Timing Adjustable). The server enforces the timeout either way.
export function initTimeoutWarning (root) {
  const idle = Number(root.dataset.idleSeconds)
  const warn = Number(root.dataset.warnSeconds)
  const button = root.querySelector('[data-timeout-extend]')
  const token = document.querySelector('input[name="csrf_token"]')
  let timer

  function schedule () {
    clearTimeout(timer)
    timer = setTimeout(show, Math.max(idle - warn, 0) * 1000)
  }

  function show () {
    root.hidden = false
    button.focus()
  }

  button.addEventListener('click', async () => {
    const response = await fetch(root.dataset.extendUrl, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'X-CSRFToken': token ? token.value : '' }
    })
    if (response.ok) {
      root.hidden = true
      schedule()
    } else {
      window.location.reload()
    }
  })
  schedule()
}
