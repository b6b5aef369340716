// Progressive enhancement only: every page works without JavaScript.
// GOV.UK Frontend's template sets these classes with an inline script; our CSP allows no
// inline script, so this module does it instead.
import { initAll } from '../build/govuk-frontend.min.js'
import { initTimeoutWarning } from './timeout-warning.js'

document.body.classList.add('js-enabled', 'govuk-frontend-supported')
initAll()
document.querySelectorAll('[data-module="app-timeout-warning"]').forEach(initTimeoutWarning)
