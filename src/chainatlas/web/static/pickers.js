// Pickers instead of typed codes (选择器): chain → segment, province → city → county, country, and an enterprise
// search box with type-ahead. Each picker is a <span data-picker="segment|division|country|enterprise"> holding its
// controls; choosing calls the page's handler with (kind, code, name). The typed form stays beside them.
(function () {
  'use strict';

  function getJSON(url) {
    return fetch(url, {headers: {'Accept': 'application/json'}, credentials: 'same-origin'}).then(function (r) {
      if (!r.ok) { throw new Error(url + ': ' + r.status); }
      return r.json();
    });
  }

  function fill(select, items, blank) {
    select.innerHTML = '';
    var first = document.createElement('option');
    first.value = ''; first.textContent = blank || '—';
    select.appendChild(first);
    items.forEach(function (it) {
      var o = document.createElement('option');
      o.value = it.value; o.textContent = it.label;
      select.appendChild(o);
    });
    select.disabled = items.length === 0;
  }

  function lang() { return document.documentElement.lang === 'en' ? 'en' : 'zh'; }

  function segmentPicker(box, onPick) {
    var chain = box.querySelector('.pk-chain'), seg = box.querySelector('.pk-segment');
    chain.addEventListener('change', function () {
      if (!chain.value) { fill(seg, []); return; }
      getJSON('/api/v1/chains/' + encodeURIComponent(chain.value)).then(function (c) {
        fill(seg, c.segments.map(function (s) {
          return {value: s.code, label: lang() === 'en' ? s.name_en : s.name_zh};
        }), seg.dataset.blank);
      });
    });
    box.querySelector('.pk-add').addEventListener('click', function () {
      var pick = seg.value ? seg : chain;
      if (pick.value) { onPick(seg.value ? 'segment' : 'chain', pick.value, pick.options[pick.selectedIndex].text); }
    });
  }

  function divisionPicker(box, onPick) {
    var levels = [box.querySelector('.pk-province'), box.querySelector('.pk-city'), box.querySelector('.pk-county')];
    function load(i, parent) {
      getJSON('/api/v1/divisions' + (parent ? '?parent=' + parent : '')).then(function (rows) {
        fill(levels[i], rows.map(function (r) { return {value: r.code, label: r.name}; }), levels[i].dataset.blank);
      });
    }
    levels.forEach(function (sel, i) {
      sel.addEventListener('change', function () {
        for (var j = i + 1; j < levels.length; j++) { fill(levels[j], [], levels[j].dataset.blank); }
        if (sel.value && i + 1 < levels.length) { load(i + 1, sel.value); }
      });
    });
    load(0, null);
    box.querySelector('.pk-add').addEventListener('click', function () {
      var deepest = null, names = [];
      levels.forEach(function (sel) {
        if (sel.value) { deepest = sel.value; names.push(sel.options[sel.selectedIndex].text); }
      });
      if (!deepest) { return; }
      // a province or city is its prefix (41, 4101); a county its whole code
      var prefix = deepest.endsWith('0000') ? deepest.slice(0, 2) : deepest.endsWith('00') ? deepest.slice(0, 4) : deepest;
      onPick('region', prefix, names.join(''));
    });
  }

  function listPicker(box, kind, source, onPick) {
    var input = box.querySelector('.pk-input'), list = box.querySelector('datalist'), seen = {};
    function offer(rows) {
      list.innerHTML = '';
      rows.forEach(function (r) {
        var o = document.createElement('option');
        o.value = r.label + ' ' + r.value; seen[o.value] = r;
        list.appendChild(o);
      });
    }
    source(input, offer);
    box.querySelector('.pk-add').addEventListener('click', function () {
      var r = seen[input.value];
      if (r) { onPick(kind, r.value, r.label); input.value = ''; }
    });
  }

  function countryPicker(box, onPick) {
    listPicker(box, 'country', function (input, offer) {
      getJSON('/api/v1/countries').then(function (rows) {
        offer(rows.map(function (c) {
          return {value: c.alpha2, label: (lang() === 'en' ? c.name_en : (c.name_zh || c.name_en))};
        }));
      });
    }, onPick);
  }

  function enterprisePicker(box, onPick) {
    listPicker(box, 'enterprise', function (input, offer) {
      var timer = null;
      input.addEventListener('input', function () {
        clearTimeout(timer);
        var q = input.value.trim();
        if (q.length < 2 || /\s[0-9A-Z]{18}$/.test(input.value)) { return; }
        timer = setTimeout(function () {
          getJSON('/api/v1/enterprises?per_page=10&q=' + encodeURIComponent(q)).then(function (found) {
            offer(found.items.map(function (e) { return {value: e.uscc, label: e.name}; }));
          }).catch(function () { offer([]); });
        }, 200);
      });
    }, onPick);
  }

  var KINDS = {segment: segmentPicker, division: divisionPicker, country: countryPicker, enterprise: enterprisePicker};

  // Attach every picker inside root; onPick(kind, code, name) is called on each choice.
  window.caPickers = function (root, onPick) {
    root.querySelectorAll('[data-picker]').forEach(function (box) { KINDS[box.dataset.picker](box, onPick); });
  };
})();
