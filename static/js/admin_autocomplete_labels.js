'use strict';
// Admin autocomplete (Select2) draws its own combobox and search box, and neither carries the
// name of the select it stands for: in a new inline row both were unnamed. Name them after the
// select's own label (an aria-label from backcore/admin_labels.py, or its <label>).
(function () {
  function nameOf(select) {
    const own = select.getAttribute('aria-label');
    if (own) return own;
    const label = select.labels && select.labels[0];
    return label ? label.textContent.replace(/:\s*$/, '').trim() : 'Choose';
  }

  function nameCombobox(select) {
    const container = select.nextElementSibling;
    if (!container || !container.classList.contains('select2')) return;
    const combobox = container.querySelector('.select2-selection');
    if (combobox) {
      // Select2 names it by the chosen option's text, which is empty in a new row: say both.
      const chosen = select.selectedOptions[0];
      const text = chosen && chosen.value ? chosen.textContent.trim() : 'none chosen';
      combobox.removeAttribute('aria-labelledby');
      combobox.setAttribute('aria-label', nameOf(select) + ': ' + text);
      const rendered = combobox.querySelector('.select2-selection__rendered');
      if (rendered) rendered.setAttribute('aria-label', nameOf(select) + ': ' + text);
    }
  }

  function nameAll() {
    document.querySelectorAll('select.admin-autocomplete').forEach(nameCombobox);
  }

  document.addEventListener('DOMContentLoaded', function () {
    const $ = window.django && window.django.jQuery;
    // Django's autocomplete.js initialises Select2 on DOMContentLoaded and on formset:added.
    window.setTimeout(nameAll, 0);
    document.addEventListener('formset:added', function () {
      window.setTimeout(nameAll, 0);
    });
    if (!$) return;
    $(document).on('select2:open', function (event) {
      const name = nameOf(event.target);
      // An open combobox names the list it controls (ARIA 1.2).
      const container = event.target.nextElementSibling;
      const combobox = container && container.querySelector('.select2-selection');
      const results = document.querySelector('.select2-container--open .select2-results__options');
      if (combobox && results && results.id) combobox.setAttribute('aria-controls', results.id);
      document
        .querySelectorAll('.select2-container--open .select2-search__field')
        .forEach(function (field) {
          field.setAttribute('aria-label', 'Search ' + name.toLowerCase());
        });
    });
    $(document).on('select2:select select2:unselect', function (event) {
      nameCombobox(event.target);
    });
  });
})();
