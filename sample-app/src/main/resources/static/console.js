// The AsyncIPC live console: one EventSource, "state" and "event" messages, and a send box.
// Everything that came from a pipe (payloads, peer names, errors) is put in the page with
// textContent, never as markup: a payload is untrusted text.
(function () {
	'use strict';

	const MAX_ROWS = 500;
	const METERS = [
		['asyncipc.connections', 'connections', 'count'],
		['asyncipc.messages.sent', 'msgs sent', 'count'],
		['asyncipc.messages.received', 'msgs received', 'count'],
		['asyncipc.bytes.sent', 'bytes sent', 'bytes'],
		['asyncipc.bytes.received', 'bytes received', 'bytes'],
		['asyncipc.send.failures', 'send failures', 'count'],
		['asyncipc.queued.bytes', 'queued', 'bytes'],
		['asyncipc.listener.duration', 'listener time', 'timer'],
		['asyncipc.request.duration', 'request-reply', 'timer'],
		['asyncipc.reconnects', 'reconnects', 'count'],
		['asyncipc.peers.rejected', 'rejected peers', 'count']
	];
	const DASH = '\u2013';

	const $ = (selector, root) => (root || document).querySelector(selector);
	const eventsBody = $('#events tbody');
	const stream = $('#stream');
	let lastSeq = 0;
	let lastPid = null;
	let pipes = [];

	function el(tag, className, text) {
		const node = document.createElement(tag);
		if (className) {
			node.className = className;
		}
		if (text !== undefined && text !== null) {
			node.textContent = String(text);
		}
		return node;
	}

	function count(n) {
		return Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 2 });
	}

	function bytes(n) {
		if (n < 1024) {
			return count(n) + ' B';
		}
		const units = ['KiB', 'MiB', 'GiB', 'TiB'];
		let value = n / 1024;
		let unit = 0;
		while (value >= 1024 && unit < units.length - 1) {
			value /= 1024;
			unit++;
		}
		return value.toFixed(value < 10 ? 2 : 1) + ' ' + units[unit];
	}

	function ms(n) {
		return (n < 1 ? n.toFixed(3) : n < 100 ? n.toFixed(1) : Math.round(n)) + ' ms';
	}

	function toDate(time) {
		return (typeof time === 'number') ? new Date(time < 1e11 ? time * 1000 : time) : new Date(time);
	}

	function ago(time) {
		let s = Math.max(0, Math.round((Date.now() - toDate(time).getTime()) / 1000));
		if (s < 60) {
			return s + 's';
		}
		const m = Math.floor(s / 60);
		s %= 60;
		if (m < 60) {
			return m + 'm ' + s + 's';
		}
		return Math.floor(m / 60) + 'h ' + (m % 60) + 'm';
	}

	function clock(time) {
		const d = toDate(time);
		const pad = (n, w) => String(n).padStart(w || 2, '0');
		return pad(d.getHours()) + ':' + pad(d.getMinutes()) + ':' + pad(d.getSeconds()) + '.' + pad(d.getMilliseconds(), 3);
	}

	function tone(state, health) {
		if (health === 'DOWN' || state === 'FAILED') {
			return 'bad';
		}
		if (state === 'LISTENING' || state === 'CONNECTED') {
			return 'ok';
		}
		return 'warn';
	}

	function renderPipe(pipe) {
		let card = $('#pipes > .pipe[data-pipe="' + CSS.escape(pipe.id) + '"]');
		if (!card) {
			card = $('#pipe-template').content.firstElementChild.cloneNode(true);
			card.dataset.pipe = pipe.id;
			$('#pipes').appendChild(card);
		}
		$('.pipe-id', card).textContent = pipe.id;
		const state = $('.state', card);
		state.textContent = pipe.state;
		state.dataset.tone = tone(pipe.state, pipe.health);
		const health = $('.health', card);
		health.textContent = pipe.health ? 'health ' + pipe.health : '';
		health.dataset.tone = (pipe.health === 'UP') ? 'ok' : 'bad';
		$('.name', card).textContent = pipe.name;
		$('.role', card).textContent = pipe.role;
		$('.mode', card).textContent = pipe.mode;
		$('.address', card).textContent = pipe.address || DASH;
		$('.problem', card).textContent = pipe.problem || '';
		$('.count', card).textContent = '(' + pipe.connections.length + ')';
		const rows = pipe.connections.map((c) => {
			const tr = el('tr');
			tr.dataset.connection = c.id;
			tr.appendChild(el('td', 'id', c.id));
			tr.appendChild(el('td', 'user', c.user));
			tr.appendChild(el('td', 'pid num', (c.pid !== null && c.pid !== undefined) ? c.pid : DASH));
			const since = el('td', 'since', c.since ? ago(c.since) : DASH);
			if (c.since) {
				since.dataset.since = c.since;
				since.title = toDate(c.since).toLocaleString();
			}
			tr.appendChild(since);
			tr.appendChild(el('td', 'queued num', bytes(c.queuedBytes)));
			return tr;
		});
		$('.connections tbody', card).replaceChildren(...rows);
		const meters = METERS.map(([name, label, kind]) => {
			const value = pipe.meters[name];
			const box = el('div', 'meter');
			box.dataset.meter = name;
			box.title = name;
			box.appendChild(el('div', 'label', label));
			let text = DASH;
			let extra = '';
			if (!value) {
				box.dataset.absent = '';
				box.title = name + ': no such meter in this application';
			}
			else if (kind === 'timer') {
				text = count(value.value);
				extra = (value.meanMs !== null && value.meanMs !== undefined)
					? 'mean ' + ms(value.meanMs).replace(' ms', '') + (value.maxMs ? ' \u00b7 max ' + ms(value.maxMs) : ' ms') : '';
			}
			else {
				text = (kind === 'bytes') ? bytes(value.value) : count(value.value);
				if (value.byTag) {
					extra = Object.entries(value.byTag).filter(([, v]) => v > 0).map(([k, v]) => k + ' ' + count(v)).join(', ');
				}
			}
			box.appendChild(el('div', 'value', text));
			box.appendChild(el('div', 'extra', extra || '\u00a0'));
			return box;
		});
		$('.meters', card).replaceChildren(...meters);
	}

	function renderTargets() {
		const pipeSelect = $('#send-pipe');
		const chosenPipe = pipeSelect.value;
		replaceOptions(pipeSelect, pipes.map((p) => [p.id, p.id + ' (' + p.role + ')']));
		if (pipes.some((p) => p.id === chosenPipe)) {
			pipeSelect.value = chosenPipe;
		}
		pipeSelect.hidden = pipes.length < 2;
		const pipe = pipes.find((p) => p.id === pipeSelect.value);
		const targetSelect = $('#send-target');
		const chosen = targetSelect.value;
		const options = [['*', (pipe && pipe.role === 'client') ? 'the server' : 'all connections']];
		if (pipe && pipe.role === 'server') {
			pipe.connections.forEach((c) => {
				options.push([c.id, c.id + ' \u2014 ' + c.user + (c.pid ? ' (pid ' + c.pid + ')' : '')]);
			});
		}
		replaceOptions(targetSelect, options);
		if (options.some(([value]) => value === chosen)) {
			targetSelect.value = chosen;
		}
	}

	// Draws a select's options only when they change, so that a list the user has open stays open.
	function replaceOptions(select, options) {
		const key = JSON.stringify(options);
		if (select.dataset.options === key) {
			return;
		}
		select.dataset.options = key;
		select.replaceChildren(...options.map(([value, label]) => {
			const option = el('option', null, label);
			option.value = value;
			return option;
		}));
	}

	function renderState(state) {
		if (lastPid !== null && lastPid !== state.pid) {
			// Another process on this address: its event numbers start again.
			lastSeq = 0;
			note('now showing process ' + state.pid);
		}
		lastPid = state.pid;
		$('#pid').textContent = state.pid;
		document.body.dataset.stateTime = state.time;
		document.title = 'AsyncIPC console \u00b7 ' + state.pid;
		pipes = state.pipes;
		const ids = new Set(pipes.map((p) => p.id));
		document.querySelectorAll('#pipes > .pipe').forEach((card) => {
			if (!ids.has(card.dataset.pipe)) {
				card.remove();
			}
		});
		pipes.forEach(renderPipe);
		renderTargets();
	}

	function addRow(tr) {
		if ($('#pause').checked) {
			return;
		}
		eventsBody.insertBefore(tr, eventsBody.firstChild);
		while (eventsBody.rows.length > MAX_ROWS) {
			eventsBody.deleteRow(eventsBody.rows.length - 1);
		}
	}

	function note(text) {
		const tr = el('tr');
		tr.dataset.type = 'note';
		tr.appendChild(el('td', 'time', clock(Date.now())));
		const td = el('td', null, text);
		td.colSpan = 5;
		tr.appendChild(td);
		addRow(tr);
	}

	function addEvent(event) {
		if (event.seq <= lastSeq) {
			return;
		}
		lastSeq = event.seq;
		const tr = el('tr');
		tr.dataset.type = event.type;
		tr.dataset.seq = event.seq;
		tr.appendChild(el('td', 'time', clock(event.time)));
		tr.appendChild(el('td', 'type', event.type));
		tr.appendChild(el('td', 'pipe-id', event.pipe));
		tr.appendChild(el('td', 'connection', event.connection || DASH));
		tr.appendChild(el('td', 'bytes num', (event.bytes !== null && event.bytes !== undefined) ? count(event.bytes) : ''));
		tr.appendChild(el('td', 'text', event.text || ''));
		addRow(tr);
	}

	function connect() {
		const source = new EventSource('console/events');
		source.addEventListener('open', () => {
			stream.dataset.status = 'live';
			stream.textContent = 'live';
		});
		source.addEventListener('error', () => {
			stream.dataset.status = 'down';
			stream.textContent = 'stream lost, retrying\u2026';
		});
		source.addEventListener('state', (e) => renderState(JSON.parse(e.data)));
		source.addEventListener('event', (e) => addEvent(JSON.parse(e.data)));
	}

	$('#send-pipe').addEventListener('change', renderTargets);
	$('#clear').addEventListener('click', () => eventsBody.replaceChildren());
	$('#send').addEventListener('submit', async (e) => {
		e.preventDefault();
		const input = $('#send-text');
		const result = $('#send-result');
		const text = input.value;
		result.dataset.tone = '';
		result.textContent = 'sending\u2026';
		try {
			const response = await fetch('console/send', {
				method: 'POST',
				headers: { 'Content-Type': 'application/json' },
				body: JSON.stringify({ pipe: $('#send-pipe').value, connection: $('#send-target').value, text: text })
			});
			const body = await response.json();
			if (!response.ok) {
				throw new Error(body.error || response.statusText);
			}
			result.textContent = 'sent to ' + body.delivered + (body.delivered === 1 ? ' connection' : ' connections')
				+ ' (' + bytes(body.bytes) + ' on the wire)' + (body.failures.length ? '; failed: ' + body.failures.join('; ') : '');
			input.value = '';
		}
		catch (error) {
			result.dataset.tone = 'bad';
			result.textContent = error.message;
		}
	});
	setInterval(() => document.querySelectorAll('td.since[data-since]').forEach((td) => {
		td.textContent = ago(td.dataset.since);
	}), 1000);
	connect();
}());
