// Progressive enhancement for the Lienthong pages: every page works without this file.
(function () {
  'use strict';
  document.documentElement.classList.add('js');

  // Move focus to the error summary, so a screen reader hears the problems first.
  var summary = document.querySelector('[data-focus]');
  if (summary) summary.focus();

  // Address pickers: when the province changes, load its communes into the commune list (without
  // JavaScript, a button sends the form back to do the same).
  document.querySelectorAll('[data-province-select]').forEach(function (province) {
    var commune = document.getElementById(province.getAttribute('data-province-select'));
    if (!commune) return;
    var placeholder = commune.querySelector('option[value=""]');
    var asked = 0;
    var loaded = province.value;
    province.addEventListener('change', function () {
      if (province.value === loaded) return;
      loaded = province.value;
      var ask = ++asked;
      function fill(names) {
        if (ask !== asked) return;
        var chosen = commune.value;
        commune.textContent = '';
        if (placeholder) commune.appendChild(placeholder);
        names.forEach(function (name) {
          var option = document.createElement('option');
          option.value = name;
          option.textContent = name;
          commune.appendChild(option);
        });
        commune.value = chosen;
        if (commune.value !== chosen) commune.value = '';
      }
      if (!province.value) return fill([]);
      fetch('/assets/communes/' + encodeURIComponent(province.value) + '.json')
        .then(function (response) {
          return response.ok ? response.json() : [];
        })
        .then(fill, function () {
          fill([]);
        });
    });
  });

  // Variant 4 asks for the relatives; the other variants hide that part.
  document.querySelectorAll('[data-show-when-variant]').forEach(function (part) {
    var wanted = part.getAttribute('data-show-when-variant');
    var radios = document.querySelectorAll('input[name="variant"]');
    function update() {
      var chosen = document.querySelector('input[name="variant"]:checked');
      part.hidden = !chosen || chosen.value !== wanted;
    }
    radios.forEach(function (radio) {
      radio.addEventListener('change', update);
    });
    update();
  });

  // A second click on a submit button while the first is on its way does nothing (the form key
  // makes a double submission harmless anyway).
  document.querySelectorAll('form').forEach(function (form) {
    form.addEventListener('submit', function (event) {
      if (form.getAttribute('data-sending')) event.preventDefault();
      else form.setAttribute('data-sending', 'yes');
    });
  });

  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-sending]').forEach(function (form) {
      form.removeAttribute('data-sending');
    });
  });

  // Print buttons are shown only where printing can be started from the page.
  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () {
      window.print();
    });
  });

  // The dossier page follows its dossier: each server-sent event replaces the timeline, and the
  // actions unless the citizen is typing in them.
  var dossier = document.getElementById('dossier');
  if (dossier && window.EventSource) {
    var announce = document.getElementById('dossier-announce');
    var source = new EventSource(dossier.getAttribute('data-events'));
    source.addEventListener('dossier', function (event) {
      var data = JSON.parse(event.data);
      var timeline = document.getElementById('dossier-live');
      var before = timeline && timeline.getAttribute('data-status');
      if (timeline) timeline.outerHTML = data.timeline;
      var actions = document.getElementById('dossier-actions');
      var busy = actions && actions.contains(document.activeElement) && document.activeElement !== document.body;
      if (actions && !busy) actions.outerHTML = data.actions;
      if (announce && before !== data.status)
        announce.textContent = dossier.getAttribute('data-announce-prefix') + ': ' + data.statusText;
    });
    source.addEventListener('error', function () {
      // The server ends the stream when the dossier closes; do not reconnect then.
      var timeline = document.getElementById('dossier-live');
      if (timeline && timeline.getAttribute('data-closed') === 'true') source.close();
    });
  }

  // The operator's overview follows the system: each server-sent event replaces its live part
  // (counts, the stuck list, dead letters), and a change in the stuck list is announced.
  var overview = document.getElementById('overview');
  if (overview && window.EventSource) {
    var overviewAnnounce = document.getElementById('overview-announce');
    var overviewSource = new EventSource(overview.getAttribute('data-events'));
    overviewSource.addEventListener('overview', function (event) {
      var data = JSON.parse(event.data);
      var live = document.getElementById('operator-live');
      var before = live && live.getAttribute('data-stuck');
      if (live) live.outerHTML = data.html;
      if (overviewAnnounce && before !== String(data.stuck))
        overviewAnnounce.textContent = overview.getAttribute('data-announce-prefix') + ': ' + data.stuck;
    });
  }
})();
