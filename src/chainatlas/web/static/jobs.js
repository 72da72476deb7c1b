/* Start a background job through the API and follow its progress (ChainAtlas; no third-party code). */
function caFollowJob(jobId, bar, label, onDone) {
  function poll() {
    fetch('/api/v1/jobs/' + jobId, {credentials: 'same-origin'}).then(function (r) { return r.json(); }).then(function (job) {
      if (job.total) { bar.max = job.total; bar.value = job.done; }
      label.textContent = job.status + (job.total ? ' · ' + job.done + ' / ' + job.total + ' (' + job.percent + '%)' : '');
      if (job.status === 'done') { onDone(job); }
      else if (job.status === 'failed') { label.textContent = 'failed / 失败: ' + (job.message || ''); label.className = 'error'; }
      else { setTimeout(poll, 500); }
    });
  }
  poll();
}
function caStartJob(url, body, csrf, bar, label, onDone) {
  label.textContent = 'queued / 排队中';
  bar.hidden = false;
  fetch(url, {method: 'POST', credentials: 'same-origin',
              headers: {'Content-Type': 'application/json', 'X-CSRF-Token': csrf}, body: JSON.stringify(body)})
    .then(function (r) { return r.json().then(function (b) { return {ok: r.ok, body: b}; }); })
    .then(function (res) {
      if (!res.ok) {
        var d = res.body.detail;
        label.textContent = typeof d === 'string' ? d : JSON.stringify(d);
        label.className = 'error';
        bar.hidden = true;
        return;
      }
      caFollowJob(res.body.job_id, bar, label, function (job) { onDone(job, res.body); });
    });
}
