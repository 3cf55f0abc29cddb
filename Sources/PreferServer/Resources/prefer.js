// Prefer's one script, hand-written, no libraries. The Content-Security-Policy
// allows no other script on Prefer's pages, inline or from elsewhere.
//
// Vote page: keys ← → t b vote, n or Enter opens the next battle; the vote is
// sent with fetch (with the page's anti-forgery token) together with the time
// to vote and, for audio and video, the time played; the contenders are then
// revealed without a reload. The answer also carries the next battle (drawn
// with the vote, rendered by the server), which Next shows in place: a voter
// waits for one round trip per vote. When the arena sets a minimum play time, the
// buttons stay disabled until every recording has played that long.
//
// Admin page: calls the JSON API with the admin key kept in sessionStorage;
// lists, makes (showing the new key once) and revokes named keys.
//
// Audit page: loads the page again with that key (the server renders it for
// the key) and shows it in place; its keep / exclude forms are sent to the
// decision API with the key, and the page is then loaded again.
//
// Text from the server (names, messages) is only ever set with textContent.
(function () {
    'use strict';

    var page = document.body.getAttribute('data-page');
    // Where the admin key of this tab is kept (set before the pages run).
    var adminKeyStorage = 'prefer-admin-key';
    // The vote page's key handler: one listener, pointed at the battle on screen.
    var onKey = null;
    document.addEventListener('keydown', function (event) { if (onKey) { onKey(event); } });
    if (page === 'vote') { votePage(); }
    if (page === 'vote-kway') { kwayPage(); }
    if (page === 'admin') { adminPage(); }
    if (page === 'audit') { auditPage(); }

    function el(tag, attributes, children) {
        var node = document.createElement(tag);
        Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
        (children || []).forEach(function (child) {
            node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
        });
        return node;
    }

    // A whole number with its thousands grouped, "3,000": as PreferCore's
    // grouped() writes it for the pages and the command-line tool.
    function grouped(n) {
        var digits = String(Math.abs(Math.round(Number(n) || 0)));
        var out = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
        return (Number(n) < 0 ? '-' : '') + out;
    }

    function errorMessage(body, fallback) {
        return body && body.error && body.error.message ? body.error.message : fallback;
    }

    // The admin key of this tab: the admin page and the audit page share it.
    function adminKey() { return sessionStorage.getItem(adminKeyStorage) || ''; }

    // Calls the JSON API with the admin key; rejects with the API's message.
    function adminAPI(method, path, body, contentType) {
        var headers = { 'Authorization': 'Bearer ' + adminKey(), 'Accept': 'application/json' };
        if (contentType) { headers['Content-Type'] = contentType; }
        return fetch(path, { method: method, headers: headers, body: body, credentials: 'same-origin' }).then(function (response) {
            if (response.ok) { return response; }
            return response.json().then(function (problem) {
                var message = errorMessage(problem, 'HTTP ' + response.status);
                var details = problem && problem.error && problem.error.details;
                if (details && details.length) {
                    message += ' ' + details.slice(0, 5).map(function (d) {
                        return (d.line ? 'line ' + d.line + ': ' : '') + d.message;
                    }).join(' ');
                }
                throw new Error(message);
            }, function () { throw new Error('HTTP ' + response.status); });
        });
    }

    // MARK: Voting

    function votePage() {
        var form = document.getElementById('vote-form');
        var result = document.getElementById('result');
        var resultText = document.getElementById('result-text');
        var next = document.getElementById('next');
        if (!form || !result || !next) { return; }
        var buttons = Array.prototype.slice.call(form.querySelectorAll('button.choice'));
        var media = Array.prototype.slice.call(form.querySelectorAll('audio[data-side], video[data-side]'));
        var root = document.getElementById('main');
        var minPlay = parseInt((root && root.getAttribute('data-min-play-ms')) || '0', 10) || 0;
        // The next battle's page, sent with the vote.
        var prefetched = null;
        var hint = document.getElementById('play-hint');
        // Outputs are on screen once the document is parsed, which is when this deferred script runs.
        var shownAt = performance.now();
        var state = result.hidden ? 'voting' : 'done';
        var lastClicked = null;
        window.__preferVoteState = function () { return state; };

        function playedMs(node) {
            var total = 0;
            for (var i = 0; i < node.played.length; i++) { total += node.played.end(i) - node.played.start(i); }
            return Math.round(total * 1000);
        }
        function playedOnSide(side) {
            var total = null;
            media.forEach(function (node) {
                if (node.getAttribute('data-side') === side) { total = (total || 0) + playedMs(node); }
            });
            return total;
        }
        function ready() {
            return minPlay <= 0 || media.every(function (node) { return playedMs(node) >= minPlay; });
        }
        function refreshButtons() {
            if (state !== 'voting') { return; }
            var ok = ready();
            buttons.forEach(function (button) { button.disabled = !ok; });
            if (hint) { hint.classList.toggle('met', ok); }
        }
        if (minPlay > 0 && media.length > 0) {
            media.forEach(function (node) {
                ['timeupdate', 'ended', 'pause', 'seeked'].forEach(function (name) { node.addEventListener(name, refreshButtons); });
            });
            refreshButtons();
        }

        buttons.forEach(function (button) {
            button.addEventListener('click', function () { lastClicked = button; });
        });
        form.addEventListener('submit', function (event) {
            event.preventDefault();
            var submitter = event.submitter || lastClicked;
            if (submitter && submitter.value) { send(submitter.value); }
        });

        function send(choice) {
            if (state !== 'voting' || !ready()) { return; }
            state = 'sending';
            buttons.forEach(function (button) {
                button.disabled = true;
                button.setAttribute('aria-pressed', button.value === choice ? 'true' : 'false');
            });
            var data = new URLSearchParams(new FormData(form));
            data.set('choice', choice);
            data.set('next', '1');
            data.set('time_to_vote_ms', String(Math.round(performance.now() - shownAt)));
            var left = playedOnSide('left');
            var right = playedOnSide('right');
            if (left !== null) { data.set('left_played_ms', String(left)); }
            if (right !== null) { data.set('right_played_ms', String(right)); }
            fetch(form.action, {
                method: 'POST',
                credentials: 'same-origin',
                headers: {
                    'Accept': 'application/json',
                    'Content-Type': 'application/x-www-form-urlencoded',
                    'X-CSRF-Token': data.get('csrf') || ''
                },
                body: data.toString()
            }).then(function (response) {
                return response.json().then(function (body) {
                    return { ok: response.ok, status: response.status, body: body };
                }, function () {
                    return { ok: false, status: response.status, body: null };
                });
            }).then(function (answer) {
                if (answer.ok) {
                    prefetched = answer.body.next_page || null;
                    reveal(answer.body);
                } else {
                    failed(errorMessage(answer.body, 'The vote was not saved (HTTP ' + answer.status + ').'), answer.status >= 500);
                }
            }, function () {
                failed('The vote could not be sent: the server did not answer. Check your connection and press the button again.', true);
            });
        }

        function reveal(vote) {
            state = 'done';
            var names = { left: vote.left.contender, right: vote.right.contender };
            Array.prototype.forEach.call(document.querySelectorAll('[data-reveal]'), function (node) {
                node.textContent = ' — ' + names[node.getAttribute('data-reveal')];
            });
            resultText.textContent = '';
            resultText.appendChild(document.createTextNode('Vote saved: ' + choiceText(vote.choice) + '. A was '));
            resultText.appendChild(el('strong', {}, [names.left]));
            resultText.appendChild(document.createTextNode('; B was '));
            resultText.appendChild(el('strong', {}, [names.right]));
            resultText.appendChild(document.createTextNode('.'));
            result.classList.remove('error');
            result.hidden = false;
            document.body.classList.add('revealed');
            next.focus();
        }

        // Shows the battle that came with the vote, or loads the next page.
        function showNext() {
            var fresh = null;
            if (prefetched) {
                fresh = new DOMParser().parseFromString(prefetched, 'text/html').getElementById('main');
            }
            if (!fresh || !root) {
                window.location.assign(next.href);
                return;
            }
            root.replaceWith(document.adoptNode(fresh));
            document.body.classList.remove('revealed');
            if (fresh.getAttribute('data-title')) { document.title = fresh.getAttribute('data-title'); }
            window.scrollTo(0, 0);
            var heading = fresh.querySelector('h1');
            if (heading) {
                heading.setAttribute('tabindex', '-1');
                heading.focus();
            }
            votePage();
        }
        next.addEventListener('click', function (event) {
            if (state === 'done' && prefetched) {
                event.preventDefault();
                showNext();
            }
        });

        function failed(message, canRetry) {
            resultText.textContent = message;
            result.classList.add('error');
            result.hidden = false;
            if (canRetry) {
                state = 'voting';
                buttons.forEach(function (button) { button.removeAttribute('aria-pressed'); });
                refreshButtons();
                if (minPlay <= 0) { buttons.forEach(function (button) { button.disabled = false; }); }
            } else {
                state = 'done';
                next.focus();
            }
        }

        function choiceText(choice) {
            return { left: 'A is better', right: 'B is better', tie: 'tie', both_bad: 'both are bad' }[choice] || choice;
        }

        var keys = { ArrowLeft: 'left', ArrowRight: 'right', t: 'tie', T: 'tie', x: 'both_bad', X: 'both_bad' };
        onKey = function (event) {
            if (event.defaultPrevented || event.altKey || event.ctrlKey || event.metaKey || event.isComposing) { return; }
            var target = event.target || document.body;
            var tag = target.tagName || '';
            if (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT|AUDIO|VIDEO)$/.test(tag)) { return; }
            if (state === 'done') {
                if (event.key === 'n' || event.key === 'N' || event.key === 'Enter') {
                    event.preventDefault();
                    showNext();
                }
                return;
            }
            var choice = keys[event.key];
            if (!choice || state !== 'voting') { return; }
            event.preventDefault();
            send(choice);
        };
    }

    // MARK: Admin

    // K-way vote page: keys 1…K pick the best (the form is sent as is), N or
    // Enter opens the next battle once the vote is saved.
    function kwayPage() {
        var main = document.getElementById('main');
        var k = parseInt(main.getAttribute('data-k'), 10) || 0;
        var shown = Date.now();
        var form = document.getElementById('vote-form');
        form.addEventListener('submit', function () {
            var field = document.createElement('input');
            field.type = 'hidden';
            field.name = 'time_to_vote_ms';
            field.value = String(Math.min(Date.now() - shown, 86400000));
            form.appendChild(field);
        });
        onKey = function (event) {
            if (event.altKey || event.ctrlKey || event.metaKey) { return; }
            var target = event.target;
            if (target && (target.tagName === 'TEXTAREA' || target.tagName === 'INPUT' || target.tagName === 'SELECT')) { return; }
            var next = document.getElementById('next');
            if (next && (event.key === 'n' || event.key === 'N' || event.key === 'Enter')) {
                event.preventDefault();
                window.location.href = next.getAttribute('href');
                return;
            }
            var position = parseInt(event.key, 10);
            if (position >= 1 && position <= k) {
                var button = form.querySelector('button[name="best"][value="' + position + '"]');
                if (button && !button.disabled) {
                    event.preventDefault();
                    button.click();
                }
            }
        };
    }

    function adminPage() {
        var storageKey = adminKeyStorage;
        var keyForm = document.getElementById('key-form');
        var keyInput = document.getElementById('admin-key');
        var status = document.getElementById('admin-status');
        var list = document.getElementById('arenas');

        function say(message, isError) {
            status.textContent = message;
            status.classList.toggle('error', !!isError);
        }
        var key = adminKey;
        var api = adminAPI;

        keyForm.addEventListener('submit', function (event) {
            event.preventDefault();
            sessionStorage.setItem(storageKey, keyInput.value.trim());
            keyInput.value = '';
            load();
        });
        document.getElementById('forget-key').addEventListener('click', function () {
            sessionStorage.removeItem(storageKey);
            list.textContent = '';
            keyList.textContent = '';
            say('The key is forgotten in this tab.');
        });
        document.getElementById('refresh').addEventListener('click', load);

        document.getElementById('create-form').addEventListener('submit', function (event) {
            event.preventDefault();
            var form = event.target;
            var body = { name: form.elements.name.value.trim(), sampling: form.elements.sampling.value, private: form.elements['private'].checked };
            var description = form.elements.description.value.trim();
            if (description) { body.description = description; }
            var criteria = form.elements.criteria.value.split(',').map(function (c) { return c.trim(); }).filter(Boolean);
            if (criteria.length) { body.criteria = criteria; }
            if (form.elements.min_play_ms.value) { body.min_play_ms = parseInt(form.elements.min_play_ms.value, 10); }
            api('POST', '/api/arenas', JSON.stringify(body), 'application/json').then(function () {
                form.reset();
                load('Created the arena ' + body.name + '.');
            }, function (error) { say('Not created: ' + error.message, true); });
        });

        // MARK: Keys (owner only: other keys are told so by the API)

        var keyList = document.getElementById('keys');
        var newKey = document.getElementById('new-key');
        document.getElementById('key-create-form').addEventListener('submit', function (event) {
            event.preventDefault();
            var form = event.target;
            var body = { name: form.elements.name.value.trim(), role: form.elements.role.value };
            api('POST', '/api/keys', JSON.stringify(body), 'application/json').then(function (r) { return r.json(); }).then(function (made) {
                newKey.textContent = '';
                newKey.appendChild(el('p', {}, ['The key for ' + made.name + ' (' + made.role + '), shown this once — copy it now; only its hash is kept:']));
                newKey.appendChild(el('code', { id: 'new-key-secret' }, [made.key]));
                newKey.hidden = false;
                form.reset();
                say('Made the key ' + made.name + ' (' + made.role + ').');
                loadKeys();
            }, function (error) { say('No key made: ' + error.message, true); });
        });

        function loadKeys() {
            api('GET', '/api/keys').then(function (r) { return r.json(); }).then(function (body) {
                keyList.textContent = '';
                if (!body.keys.length) {
                    keyList.appendChild(el('p', { 'class': 'hint' }, ['No named keys yet: only the owner key.']));
                    return;
                }
                var rows = body.keys.map(function (k) {
                    var state = k.revoked_at ? 'revoked ' + k.revoked_at.slice(0, 10) : 'active';
                    var action = el('td', {}, []);
                    if (!k.revoked_at) {
                        var revoke = el('button', { type: 'button', 'class': 'button revoke', 'data-key': k.name }, ['Revoke']);
                        revoke.addEventListener('click', function () {
                            if (!window.confirm('Revoke the key ' + k.name + '? It stops working at once.')) { return; }
                            api('DELETE', '/api/keys/' + encodeURIComponent(k.name)).then(function () {
                                say('Revoked the key ' + k.name + '.');
                                loadKeys();
                            }, function (error) { say('Not revoked: ' + error.message, true); });
                        });
                        action.appendChild(revoke);
                    }
                    return el('tr', { 'data-key': k.name }, [
                        el('th', { scope: 'row' }, [k.name]), el('td', {}, [k.role]),
                        el('td', {}, [k.created_at.slice(0, 10)]), el('td', { 'class': 'key-state' }, [state]), action
                    ]);
                });
                keyList.appendChild(el('table', { 'class': 'board compact' }, [
                    el('caption', {}, ['Named keys']),
                    el('thead', {}, [el('tr', {}, ['Name', 'Role', 'Made', 'State', ''].map(function (h) { return el('th', { scope: 'col' }, [h]); }))]),
                    el('tbody', {}, rows)
                ]));
            }, function (error) {
                keyList.textContent = '';
                keyList.appendChild(el('p', { 'class': 'hint' }, ['Keys: ' + error.message]));
            });
        }

        // `message` (what was just done) stays shown once the arenas are listed again.
        function load(message) {
            if (!key()) { say('Enter the admin key to see the arenas.'); return; }
            loadKeys();
            api('GET', '/api/arenas').then(function (r) { return r.json(); }).then(function (body) {
                list.textContent = '';
                if (!body.arenas.length) { list.appendChild(el('p', { 'class': 'notice' }, ['No arenas yet.'])); }
                body.arenas.forEach(function (arena) { list.appendChild(arenaCard(arena)); });
                say(typeof message === 'string' ? message : 'Showing ' + body.arenas.length + ' arena' + (body.arenas.length === 1 ? '' : 's') + '.');
            }, function (error) { say(error.message, true); });
        }

        // What an import did, all of it: a re-import skips identical lines and
        // leaves out (and names) the lines that differ from the stored outputs.
        function importReport(name, summary) {
            var text = 'Imported ' + grouped(summary.outputs) + ' outputs into ' + name + ' (' + grouped(summary.contenders_created) +
                ' new contenders, ' + grouped(summary.prompts_created) + ' new prompts).';
            if (summary.skipped) { text += ' ' + grouped(summary.skipped) + ' identical to what was there, skipped.'; }
            if (summary.replaced) { text += ' ' + grouped(summary.replaced) + ' replaced.'; }
            if (summary.differing) {
                text += ' ' + grouped(summary.differing) + ' differ from the stored outputs and were left out (line' +
                    (summary.differing === 1 ? ' ' : 's ') + (summary.differing_lines || []).join(', ') +
                    (summary.differing > (summary.differing_lines || []).length ? ', …' : '') +
                    '); to replace them, import with ?update=true through the API.';
            }
            return text;
        }

        function arenaCard(arena) {
            var name = arena.name;
            var base = '/api/arenas/' + encodeURIComponent(name);
            var fileId = 'upload-' + arena.id;
            var file = el('input', { type: 'file', id: fileId, accept: '.jsonl,.ndjson,.json,.txt,application/x-ndjson' });
            var upload = el('button', { type: 'button', 'class': 'button' }, ['Upload outputs']);
            var counts = el('div', { 'class': 'table-wrap' }, [el('p', { 'class': 'hint' }, ['Loading votes per contender…'])]);
            var facts = grouped(arena.contenders) + ' contenders · ' + grouped(arena.prompts) + ' prompts · ' + grouped(arena.outputs) + ' outputs · ' + grouped(arena.votes) + ' votes' + (arena['private'] ? ' · private' : '');
            var card = el('article', { 'class': 'card arena-admin' }, [
                el('h3', {}, [el('a', { href: '/arenas/' + encodeURIComponent(name) + '/vote' }, [name])]),
                el('p', { 'class': 'meta' }, [facts]),
                el('div', { 'class': 'row-form' }, [el('label', { 'for': fileId }, ['Outputs (JSONL)']), file, upload]),
                el('p', { 'class': 'actions' }, [
                    download('Download votes (JSONL)', base + '/votes?format=jsonl', name + '-votes.jsonl'),
                    download('Download votes (CSV)', base + '/votes?format=csv', name + '-votes.csv'),
                    el('a', { 'class': 'button', href: '/arenas/' + encodeURIComponent(name) + '/leaderboard' }, ['Leaderboard']),
                    el('a', { 'class': 'button', href: '/admin/arenas/' + encodeURIComponent(name) + '/audit' }, ['Vote audit'])
                ]),
                counts
            ]);
            upload.addEventListener('click', function () {
                if (!file.files.length) { say('Choose a JSONL file first.', true); return; }
                api('POST', base + '/import', file.files[0], 'application/x-ndjson').then(function (r) { return r.json(); }).then(function (summary) {
                    load(importReport(name, summary));
                }, function (error) { say('Nothing imported: ' + error.message, true); });
            });
            fetch(base + '/leaderboard?bootstrap=0', { headers: { 'Accept': 'application/json' } }).then(function (r) { return r.json(); }).then(function (board) {
                counts.textContent = '';
                if (!board.contenders || !board.contenders.length) {
                    counts.appendChild(el('p', { 'class': 'hint' }, ['No votes yet.']));
                    return;
                }
                var rows = board.contenders.slice().sort(function (a, b) { return b.votes - a.votes; }).map(function (c) {
                    return el('tr', {}, [el('th', { scope: 'row' }, [c.name]), el('td', { 'class': 'num' }, [grouped(c.votes)]), el('td', { 'class': 'num' }, [(c.win_rate * 100).toFixed(1) + '%'])]);
                });
                counts.appendChild(el('table', { 'class': 'board compact' }, [
                    el('caption', {}, ['Votes per contender']),
                    el('thead', {}, [el('tr', {}, [el('th', { scope: 'col' }, ['Contender']), el('th', { scope: 'col', 'class': 'num' }, ['Votes']), el('th', { scope: 'col', 'class': 'num' }, ['Win rate'])])]),
                    el('tbody', {}, rows)
                ]));
            }, function () { counts.textContent = 'Could not load the votes per contender.'; });
            return card;
        }

        function download(label, path, filename) {
            var button = el('button', { type: 'button', 'class': 'button' }, [label]);
            button.addEventListener('click', function () {
                api('GET', path).then(function (r) { return r.blob(); }).then(function (blob) {
                    var url = URL.createObjectURL(blob);
                    var link = el('a', { href: url, download: filename });
                    document.body.appendChild(link);
                    link.click();
                    link.remove();
                    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
                    say('Downloaded ' + filename + '.');
                }, function (error) { say('Download failed: ' + error.message, true); });
            });
            return button;
        }

        load();
    }

    // MARK: Audit

    function auditPage() {
        var root = document.getElementById('main');
        var arena = root ? root.getAttribute('data-arena') : null;
        if (!arena) { return; }
        var address = '/admin/arenas/' + encodeURIComponent(arena) + '/audit';

        function say(message, isError) {
            var status = document.getElementById('audit-status');
            if (!status) { return; }
            status.textContent = message;
            status.classList.toggle('error', !!isError);
        }

        // Loads the page rendered for this tab's key and shows it in place.
        function load(message, isError) {
            if (!adminKey()) {
                say('Enter a key (viewer, admin or owner) to see the audit.');
                wire();
                return;
            }
            fetch(address, { headers: { 'Authorization': 'Bearer ' + adminKey(), 'Accept': 'text/html' }, credentials: 'same-origin' })
                .then(function (response) {
                    return response.text().then(function (text) { return { status: response.status, text: text }; });
                })
                .then(function (answer) {
                    if (answer.status === 401 || answer.status === 403) {
                        sessionStorage.removeItem(adminKeyStorage);
                        say('That key is not a key of this server (or it was revoked). Enter another key.', true);
                        wire();
                        return;
                    }
                    var text = answer.text;
                    var fresh = new DOMParser().parseFromString(text, 'text/html').getElementById('main');
                    if (!fresh) { say('The audit could not be loaded.', true); return; }
                    root.replaceWith(document.adoptNode(fresh));
                    root = fresh;
                    if (fresh.getAttribute('data-title')) { document.title = fresh.getAttribute('data-title'); }
                    wire();
                    if (message) { say(message, isError); }
                }, function () { say('The server did not answer; reload the page to try again.', true); });
        }

        function wire() {
            var keyForm = document.getElementById('key-form');
            if (keyForm) {
                keyForm.addEventListener('submit', function (event) {
                    event.preventDefault();
                    var input = document.getElementById('admin-key');
                    sessionStorage.setItem(adminKeyStorage, input.value.trim());
                    input.value = '';
                    load();
                });
            }
            Array.prototype.forEach.call(document.querySelectorAll('form.decision-form'), function (form) {
                var lastClicked = null;
                Array.prototype.forEach.call(form.querySelectorAll('button[name="decision"]'), function (button) {
                    button.addEventListener('click', function () { lastClicked = button; });
                });
                form.addEventListener('submit', function (event) {
                    event.preventDefault();
                    var submitter = event.submitter || lastClicked;
                    if (!submitter) { return; }
                    var card = form.closest('article');
                    var voter = card ? card.querySelector('.voter-name').textContent : 'the annotator';
                    var note = form.elements.note.value.trim();
                    var body = { decision: submitter.value || null };
                    if (note) { body.note = note; }
                    Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = true; });
                    adminAPI('PUT', form.getAttribute('action'), JSON.stringify(body), 'application/json').then(function () {
                        var done = body.decision === 'keep' ? 'Kept ' + voter + ': their votes count.'
                            : body.decision === 'exclude' ? 'Excluded ' + voter + ': their votes are left out.'
                            : 'The audit decides about ' + voter + ' again.';
                        load(done + ' The leaderboard is computed again.');
                    }, function (error) {
                        Array.prototype.forEach.call(form.querySelectorAll('button'), function (b) { b.disabled = false; });
                        say('Not changed: ' + error.message, true);
                    });
                });
            });
        }

        load();
    }
}());
