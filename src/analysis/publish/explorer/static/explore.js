/* Refrain's explorer: any phrase, any speaker, its trend and its quotes, in the browser.
 *
 * The data are the files of explore/ (written by analysis/publish/explorer/build.py), loaded as scripts (a page
 * opened from a file may load scripts, not fetch): each calls one of Refrain.meta / vocab / positions /
 * texts. Phrases are matched as analysis/measures/match.py matches them, on the same tokens:
 * a phrase's words and separators in sequence (whole words), "word*" a prefix, "*" any one word, a family
 * name its forms; overlapping matches of one phrase count once. Counts, rates and intervals are those of
 * `python -m analysis count`; every count opens exactly its quotes; the change points are those of
 * `python -m analysis changes`, p-values included (the same counter-based shuffles).
 */
"use strict";

(function () {
  const Refrain = (window.Refrain = window.Refrain || {});
  const PER = 10000;
  const CONTEXT = 120;
  const QUOTES_PER_LIST = 100;  // a row's quotes are lists of this many, each laid out when scrolled into view
  const ALNUM = /[\p{L}\p{N}]/u;
  const NON_ASCII = /[\u0080-\uffff]/;
  const data = { vocab: {}, positions: {}, texts: {} };
  const loading = {};
  let meta = null;

  /* ---- data files ------------------------------------------------------------------------------ */

  Refrain.meta = (m) => { meta = m; };
  Refrain.vocab = (key, rows) => { data.vocab[key] = rows; };
  Refrain.positions = (key, blob) => { data.positions[key] = blob; };
  Refrain.texts = (key, blob) => { data.texts[key] = blob; };

  function load(path) {
    if (!loading[path]) {
      loading[path] = new Promise((resolve, reject) => {
        const el = document.createElement("script");
        el.src = "explore/" + path + ".js";
        el.onload = () => resolve(true);
        el.onerror = () => (path.startsWith("v/") ? resolve(false) : reject(new Error("cannot read explore/" + path + ".js")));
        document.head.appendChild(el);
      });
    }
    return loading[path];
  }

  async function inflate(b64) {
    const raw = atob(b64);
    const bytes = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate"));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }

  function varints(bytes) {
    let at = 0;
    return {
      next() {
        let value = 0, scale = 1, b;
        do {
          b = bytes[at++];
          value += (b & 127) * scale;
          scale *= 128;
        } while (b & 128);
        return value;
      },
      get done() { return at >= bytes.length; },
      get at() { return at; },
      set at(value) { at = value; },
    };
  }

  /* ---- text as the matcher sees it ---------------------------------------------------------- */

  const isAlnum = (ch) => ALNUM.test(ch);

  function fold(text) {
    let t = text;
    if (NON_ASCII.test(t) || t.includes("`")) for (const [a, b] of meta.fold) t = t.split(a).join(b);
    const low = t.toLowerCase();
    if (low.length === t.length) return low;
    return Array.from(t, (c) => { const l = c.toLowerCase(); return l.length === c.length ? l : c; }).join("");
  }

  function normalizeWs(text) {
    let t = text;
    if (NON_ASCII.test(t)) t = t.normalize("NFC").replace(/[\u200b\ufeff]/g, " ");
    return t.split(/\s+/).filter(Boolean).join(" ");
  }

  function split(text) {  // runs of letters or digits (atoms) and runs of anything else (separators)
    const out = [];
    let cur = "", kind = null;
    for (const ch of text) {
      const k = isAlnum(ch);
      if (kind !== null && k !== kind) { out.push(cur); cur = ""; }
      cur += ch;
      kind = k;
    }
    if (cur) out.push(cur);
    return out;
  }

  const isAtom = (token) => token.length > 0 && isAlnum(Array.from(token)[0]);
  const lastChar = (s) => { const a = Array.from(s); return a.length ? a[a.length - 1] : ""; };

  class PhraseError extends Error {}

  function phraseKey(phrase) {
    if (phrase.length > 300) throw new PhraseError(`a phrase of ${phrase.length} characters: at most 300`);
    const key = fold(normalizeWs(phrase));
    if (!Array.from(key).some(isAlnum)) throw new PhraseError(`“${phrase}” has no letters or digits`);
    return key;
  }

  const isWildcard = (p) => p.split(/\s+/).some((t) => t === "*" || (t.endsWith("*") && t.length > 1));
  const escapeRe = (s) => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const WORD = "[\\p{L}\\p{N}]+(?:['\\-][\\p{L}\\p{N}]+)*";
  const TAIL = "[\\p{L}\\p{N}]*(?:['\\-][\\p{L}\\p{N}]+)*";

  function wildcardRegex(pattern) {
    const parts = phraseKey(pattern).split(" ").map((tok) => {
      if (tok === "*") return WORD;
      if (tok.endsWith("*")) return escapeRe(tok.slice(0, -1)) + TAIL;
      return escapeRe(tok);
    });
    return new RegExp("(?<![\\p{L}\\p{N}])" + parts.join(" ") + "(?![\\p{L}\\p{N}])", "gu");
  }

  function compile(term, form) {  // as match.Pattern.compile
    const key = phraseKey(form);
    const words = key.split(" ");
    const last = words[words.length - 1];
    if (last.endsWith("*") && isAlnum(lastChar(last.slice(0, -1))) && !isWildcard(key.slice(0, -1))) {
      const toks = split(key.slice(0, -1));
      const lead = isAtom(toks[0]) ? "" : toks.shift();
      if (lead) {
        const re = escapeRe(key.slice(0, -1)) + TAIL + "(?![\\p{L}\\p{N}])";
        return { term, form, regex: new RegExp(re, "gu"), needs: toks.filter(isAtom).slice(0, -1), prefixes: [toks[toks.length - 1]] };
      }
      return { term, form, core: toks, trail: "", prefixLast: true };
    }
    if (isWildcard(form)) {
      const slots = key.split(" ");
      const plain = (w) => w !== "*" && split(w).length === 1 && isAtom(w);
      if (slots.every((w) => w === "*" || plain(w)) && plain(slots[0]) && plain(slots[slots.length - 1])
          && !slots.some((w, i) => w === "*" && slots[i + 1] === "*")) {
        return { term, form, gaps: slots };  // words and single-word gaps: matched on positions, no text read
      }
      const needs = [], prefixes = [];
      for (const word of key.split(" ")) {
        if (word === "*") continue;
        const bare = word.replace(/\*+$/, "");
        const atoms = split(bare).filter(isAtom);
        if (word.endsWith("*") && atoms.length && isAlnum(lastChar(bare))) prefixes.push(atoms.pop());
        needs.push(...atoms);
      }
      return { term, form, regex: wildcardRegex(form), needs, prefixes };
    }
    const toks = split(key);
    const lead = isAtom(toks[0]) ? "" : toks.shift();
    const trail = isAtom(toks[toks.length - 1]) ? "" : toks.pop();
    if (lead) {  // where the text occurs with no letter or digit on either side it does not itself end in
      const re = escapeRe(key) + (trail ? "" : "(?![\\p{L}\\p{N}])");
      return { term, form, regex: new RegExp(re, "gu"), needs: toks.filter(isAtom), prefixes: [] };
    }
    return { term, form, core: toks, trail, prefixLast: false };
  }

  function terms(asked) {
    const families = {};
    for (const name of Object.keys(meta.families)) families[name.toLowerCase()] = name;
    const seen = new Set(), out = [];
    for (const raw of asked) {
      if (seen.has(raw)) continue;
      seen.add(raw);
      const family = families[raw.trim().toLowerCase()];
      const term = family ? { name: family, forms: meta.families[family], family: true } : { name: raw, forms: [raw] };
      if (out.some((t) => t.name === term.name)) continue;
      out.push(term);
    }
    return out;
  }

  /* ---- words and their positions --------------------------------------------------------------- */

  const vocabKey = (token) => Array.from(token).slice(0, 2).map((c) => c.codePointAt(0).toString(16).padStart(4, "0")).join("-");

  let vocabKeys = null;

  async function word(token) {  // [token, id, total, bucket, speakers?] or null
    const key = vocabKey(token);
    if (!vocabKeys.has(key)) return null;
    await load("v/" + key);
    return (data.vocab[key] || []).find((row) => row[0] === token) || null;
  }

  async function wordsStartingWith(prefix) {
    const first = Array.from(prefix);
    let keys;
    if (first.length >= 2) keys = vocabKeys.has(vocabKey(prefix)) ? [vocabKey(prefix)] : [];
    else keys = meta.vocab_keys.filter((k) => k.split("-")[0] === first[0].codePointAt(0).toString(16).padStart(4, "0"));
    await Promise.all(keys.map((k) => load("v/" + k)));
    return keys.flatMap((k) => (data.vocab[k] || []).filter((row) => row[0].startsWith(prefix)));
  }

  const decoded = {};  // file key -> {bytes, records: id -> {segments, from}, words: id -> {speaker: {p, j, code, ext}}}

  async function positionsFile(key) {  // a positions file's words found (their bytes skipped, not read)
    if (!decoded[key]) {
      decoded[key] = (async () => {
        const bytes = await inflate(data.positions[key]);
        const r = varints(bytes), records = new Map();
        while (!r.done) {
          const id = r.next(), segments = r.next(), size = r.next();
          records.set(id, { segments, from: r.at });
          r.at += size;
        }
        return { bytes, records, words: new Map() };
      })();
    }
    return decoded[key];
  }

  function wordPositions(file, id) {  // {speaker: {p, j, code, ext, pre, before}} of one word, read when first asked for
    if (!file.words.has(id)) {
      const out = {}, record = file.records.get(id);
      if (record) {
        const r = varints(file.bytes);
        r.at = record.from;
        for (let s = 0; s < record.segments; s++) {
          const speaker = r.next(), n = r.next();
          const p = new Int32Array(n), j = new Int32Array(n), code = new Int32Array(n), ext = new Int32Array(n);
          const pre = new Int32Array(n), before = new Int32Array(n);
          const radix = meta.ext_radix, preRadix = meta.pre_radix;
          let at = 0;
          for (let i = 0; i < n; i++) {
            at += r.next();
            p[i] = at; j[i] = r.next(); code[i] = r.next();
            const v = r.next(), rest = (v - (ext[i] = v % radix)) / radix;
            pre[i] = rest % preRadix; before[i] = (rest - pre[i]) / preRadix;
          }
          out[speaker] = { p, j, code, ext, pre, before };
        }
      }
      file.words.set(id, out);
    }
    return file.words.get(id);
  }

  async function positions(row, speaker) {  // {p, j, code, ext} of one word in one speaker's paragraphs
    const [, id, , bucket, starts] = row;
    let key;
    if (bucket >= 0) key = "b" + bucket;
    else {  // a frequent word: the file of the group of speakers the speaker falls in (starts: each one's first)
      let group = 0;
      while (group + 1 < starts.length && starts[group + 1] <= speaker) group++;
      key = `t${id}-${group}`;
    }
    await load("p/" + key);
    return wordPositions(await positionsFile(key), id)[speaker] || null;
  }

  const keyed = new WeakMap();  // a positions list -> its keys (paragraph × 10⁶ + token number), ascending

  function lookup(list) {  // find a position in a list by binary search: no table built, its keys made once
    let keys = keyed.get(list);
    if (!keys) {
      keys = new Float64Array(list.p.length);
      for (let i = 0; i < keys.length; i++) keys[i] = list.p[i] * 1e6 + list.j[i];
      keyed.set(list, keys);
    }
    return {
      get(key) {
        let lo = 0, hi = keys.length;
        while (lo < hi) { const mid = (lo + hi) >> 1; if (keys[mid] < key) lo = mid + 1; else hi = mid; }
        return lo < keys.length && keys[lo] === key ? lo : undefined;
      },
    };
  }

  const VOUCHED = { p: [], j: [], code: [], ext: [], pre: [], before: [] };  // a word its neighbour vouches for

  async function pairPositions(a, b, speaker, second) {  // where word a is followed by word b (both frequent): a's positions, or b's
    const key = 2 * (a[5] * meta.frequent_words + b[5]) + second;  // by their ranks, as explore_files.write_positions
    const file = "q" + (((a[5] % meta.pair_mod) * meta.pair_hash + b[5]) % meta.pair_files);  // as explore_files.pair_file
    await load("p/" + file);
    return wordPositions(await positionsFile(file), key)[speaker] || null;
  }

  const separator = (code) => (code >= 2 ? meta.separators[(code >> 1) - 1] : null);

  /* ---- matching ---------------------------------------------------------------------------------- */

  // Matches of one literal pattern in one speaker's paragraphs: [paragraph, start, end] in tokens.
  async function literal(pattern, speaker, found) {
    const atoms = pattern.core.filter((_, i) => i % 2 === 0);
    const m = atoms.length, k = pattern.core.length;
    const seps = pattern.core.filter((_, i) => i % 2 === 1);
    const exact = pattern.prefixLast ? atoms.slice(0, -1) : atoms;
    const rows = await Promise.all(exact.map(word));  // the files of every word at once
    if (rows.some((row) => !row)) return [];
    // two frequent words one after the other: the first is looked up among the pair's positions (far
    // fewer than its own), which also vouch for the second when it ends the phrase
    const frequent = (row) => row[3] < 0;
    const paired = rows.map((row, i) => i + 1 < rows.length && frequent(row) && frequent(rows[i + 1]));
    const implied = rows.map((_, i) => i === m - 1 && i > 0 && paired[i - 1] && !pattern.trail && !pattern.prefixLast);
    // a frequent word then a space and a rarer one: the rarer one's positions record which frequent word
    // precedes it (its rank + 1 in "before"), so the frequent word's own positions are not needed
    const vouched = rows.map((row, i) => frequent(row) && i + 1 < rows.length && !frequent(rows[i + 1]) && seps[i] === " ");
    const listOf = (row, i) => {
      if (paired[i]) return pairPositions(row, rows[i + 1], speaker, 0);
      if (implied[i] || vouched[i]) return VOUCHED;
      if (i > 0 && frequent(row) && frequent(rows[i - 1])) return pairPositions(rows[i - 1], row, speaker, 1);  // b after a
      return positions(row, speaker);
    };
    // the rarer words' files first: a speaker who never says one of them needs no frequent word's file
    const rare = await Promise.all(rows.map((row, i) => (frequent(row) ? null : listOf(row, i))));
    if (rows.some((row, i) => !frequent(row) && !rare[i])) return [];
    const lists = await Promise.all(rows.map((row, i) => (frequent(row) ? listOf(row, i) : rare[i])));
    if (lists.some((list) => !list)) return [];
    let prefixLists = [];
    if (pattern.prefixLast) {
      const matching = await wordsStartingWith(atoms[atoms.length - 1]);
      prefixLists = (await Promise.all(matching.map((row) => positions(row, speaker)))).filter(Boolean);
      if (!prefixLists.length) return [];
    }
    const table = lookup;
    let anchor, anchorList;
    if (lists.length) {
      anchor = -1;  // the shortest list of the words looked up (a vouched or implied word has none)
      for (let i = 0; i < lists.length; i++) {
        if (!implied[i] && !vouched[i] && (anchor < 0 || lists[i].p.length < lists[anchor].p.length)) anchor = i;
      }
      anchorList = [lists[anchor]];
    } else {
      anchor = m - 1;
      anchorList = prefixLists;
    }
    const tables = lists.map((l, i) => (implied[i] || vouched[i] || (i === anchor && lists.length) ? null : table(l)));
    const prefixTables = pattern.prefixLast ? prefixLists.map(table) : [];
    const at = (i, key) => {  // [list, index] of atom i at position key, or null
      if (pattern.prefixLast && i === m - 1) {
        for (let t = 0; t < prefixTables.length; t++) { const x = prefixTables[t].get(key); if (x !== undefined) return [prefixLists[t], x]; }
        return null;
      }
      if (implied[i] || vouched[i]) return [VOUCHED, -1];
      const x = tables[i] ? tables[i].get(key) : undefined;
      return x === undefined ? null : [lists[i], x];
    };
    for (const list of anchorList) {
      for (let n = 0; n < list.p.length; n++) {
        const p = list.p[n], j0 = list.j[n] - 2 * anchor;
        if (j0 < 0) continue;
        let ok = true, last = null;
        for (let i = 0; i < m && ok; i++) {
          const hit = i === anchor && lists.length ? [list, n] : at(i, p * 1e6 + j0 + 2 * i);
          if (!hit) { ok = false; break; }
          const [l, x] = hit;
          if (i < m - 1 && !vouched[i] && separator(l.code[x]) !== seps[i]) ok = false;
          if (i > 0 && vouched[i - 1] && l.before[x] !== rows[i - 1][5] + 1) ok = false;
          if (i === m - 1) last = [l, x];
        }
        if (!ok) continue;
        const [l, x] = last;
        if (pattern.trail) {
          const after = separator(l.code[x]);
          if (after === null || !after.startsWith(pattern.trail)) continue;
        }
        const end = j0 + k + (pattern.prefixLast ? 2 * l.ext[x] : 0);
        found.push({ speaker, par: p, start: j0, end: end + (pattern.trail ? 0.5 : 0), unit: "token" });
      }
    }
    return found;
  }

  let allDocs = null;
  const speakerDocs = {};

  async function paragraphDocs(speaker) {  // each of a speaker's paragraphs' document (the blob unpacked once)
    if (!allDocs) allDocs = inflate(meta.paragraph_docs);
    if (!speakerDocs[speaker]) {
      const r = varints(await allDocs), s = meta.speakers[speaker];
      r.at = s.docs_from;
      const docs = new Int32Array(s.paragraphs);
      for (let i = 0; i < docs.length; i++) docs[i] = r.next();
      speakerDocs[speaker] = docs;
    }
    return speakerDocs[speaker];
  }

  let allDocWords = null;
  const speakerDocWords = {};

  async function docWords(speaker) {  // a speaker's words in each of his statements (document -> words)
    if (!allDocWords) allDocWords = inflate(meta.doc_words);
    if (!speakerDocWords[speaker]) {
      const r = varints(await allDocWords), s = meta.speakers[speaker];
      r.at = s.doc_words_from;
      const words = new Map();
      for (let i = 0, doc = 0; i < s.statements; i++) {
        doc += r.next();
        words.set(doc, r.next());
      }
      speakerDocWords[speaker] = words;
    }
    return speakerDocWords[speaker];
  }

  const textChunks = {};

  async function chunk(speaker, month) {
    const key = `${speaker}-${month}`;
    if (!textChunks[key]) {
      textChunks[key] = (async () => {
        await load("x/" + key);
        const body = JSON.parse(new TextDecoder().decode(await inflate(data.texts[key])));
        body.at = new Map(body.paragraphs.map((p, i) => [p, i]));
        return body;
      })();
    }
    return textChunks[key];
  }

  async function textOf(speaker, par) {
    const docs = await paragraphDocs(speaker);
    const c = await chunk(speaker, meta.doc_date[docs[par]].slice(0, 7));
    return c.texts[c.at.get(par)];
  }

  // Words with single-word gaps between them ("by * means"): a gap is one word (with its joins, as
  // "nazi-era") between two single spaces; the word after the gap records that a space precedes it and
  // how many joins the word before has, so the gap's length is known without the text.
  async function gapped(pattern, speaker, found) {
    const words = pattern.gaps.filter((w) => w !== "*");
    const rows = await Promise.all(words.map(word));
    if (rows.some((row) => !row)) return found;
    const lists = await Promise.all(rows.map((row) => positions(row, speaker)));
    if (lists.some((list) => !list)) return found;
    const spaceCode = 2 * (meta.separators.indexOf(" ") + 1) + 1;  // " " and a word after it
    if (spaceCode < 3) return found;
    const tables = lists.map(lookup);
    const first = lists[0];
    for (let n = 0; n < first.p.length; n++) {
      const p = first.p[n];
      let w = 0, at = n, j = first.j[n], ok = true;
      for (let s = 1; s < pattern.gaps.length && ok; s++) {
        if (lists[w].code[at] !== spaceCode) { ok = false; break; }
        const gap = pattern.gaps[s] === "*";
        if (gap) s++;
        const next = w + 1, list = lists[next];
        let x = -1;
        if (!gap) x = tables[next].get(p * 1e6 + j + 2);
        else {
          for (let joins = 0; joins < meta.ext_radix && x === -1; joins++) {
            const y = tables[next].get(p * 1e6 + j + 4 + 2 * joins);
            if (y !== undefined && list.pre[y] === joins + 1) x = y;
          }
        }
        if (x === undefined || x === -1) { ok = false; break; }
        w = next; at = x; j = list.j[x];
      }
      if (ok) found.push({ speaker, par: p, start: first.j[n], end: j + 1, unit: "token" });
    }
    return found;
  }

  async function wildcard(pattern, speaker, found) {  // paragraphs with the fixed words, then the expression
    let candidates = null;
    const keep = (set) => { candidates = candidates === null ? set : new Set([...candidates].filter((p) => set.has(p))); };
    for (const atom of pattern.needs) {
      const row = await word(atom);
      const pos = row && (await positions(row, speaker));
      if (!pos) return found;
      keep(new Set(pos.p));
    }
    for (const prefix of pattern.prefixes) {
      const set = new Set();
      for (const row of await wordsStartingWith(prefix)) {
        const pos = await positions(row, speaker);
        if (pos) pos.p.forEach((p) => set.add(p));
      }
      if (!set.size) return found;
      keep(set);
    }
    if (candidates === null) candidates = new Set(Array.from({ length: meta.speakers[speaker].paragraphs }, (_, i) => i));
    for (const par of [...candidates].sort((a, b) => a - b)) {
      const text = fold(await textOf(speaker, par));
      for (const m of text.matchAll(pattern.regex)) {
        found.push({ speaker, par, start: m.index, end: m.index + m[0].length, unit: "char" });
      }
    }
    return found;
  }

  const tokenStarts = new Map();  // "speaker:paragraph" -> where each token of its folded text starts

  async function toChars(match) {  // a token span as characters of the spoken text
    const key = `${match.speaker}:${match.par}`;
    if (!tokenStarts.has(key)) {
      const toks = split(fold(await textOf(match.speaker, match.par)));
      let c = 0;
      const starts = toks.map((t) => { const s = c; c += t.length; return s; });
      starts.push(c);
      tokenStarts.set(key, starts);
    }
    const starts = tokenStarts.get(key);
    const end = Math.floor(match.end), half = match.end !== end;
    return { ...match, start: starts[match.start], end: starts[end] + (half ? match.trailLength : 0), unit: "char" };
  }

  // Per term: the earliest, then longest of overlapping matches (then the form first by its text).
  function resolve(matches, forms) {
    const rank = {};
    [...forms].sort().forEach((f, i) => { if (!(f in rank)) rank[f] = i; });
    matches.sort((a, b) => a.par - b.par || a.start - b.start || (b.end - b.start) - (a.end - a.start) || rank[a.form] - rank[b.form]);
    const out = [];
    let lastPar = -1, lastEnd = -1;
    for (const m of matches) {
      if (m.par !== lastPar) { lastPar = m.par; lastEnd = -1; }
      if (m.start < lastEnd) continue;
      lastEnd = m.end;
      out.push(m);
    }
    return out;
  }

  async function matchTerm(term, speaker) {
    const patterns = term.forms.map((f) => compile(0, f));
    const chars = patterns.some((p) => p.regex || p.trail);
    let all = [];
    for (const p of patterns) {
      const found = [];
      if (p.regex) await wildcard(p, speaker, found);
      else if (p.gaps) await gapped(p, speaker, found);
      else await literal(p, speaker, found);
      for (const m of found) { m.form = p.form; m.trailLength = (p.trail || "").length; }
      all = all.concat(chars && !p.regex ? await Promise.all(found.map(toChars)) : found);
    }
    return resolve(all, patterns.map((p) => p.form));
  }

  /* ---- counts, rates, intervals ---------------------------------------------------------------- */

  const logFactorials = [0];
  function logFactorial(n) {
    while (logFactorials.length <= n) logFactorials.push(logFactorials[logFactorials.length - 1] + Math.log(logFactorials.length));
    return logFactorials;
  }
  function logSum(terms) {
    const top = Math.max(...terms);
    return top + Math.log(terms.reduce((s, t) => s + Math.exp(t - top), 0));
  }
  function solve(step, lo, hi, x) {  // as stats._solve
    for (let n = 0; n < 200; n++) {
      if (!(lo < x && x < hi)) x = (lo + hi) / 2;
      const [value, slope] = step(x);
      if (value > 0) lo = x; else hi = x;
      const next = slope < 0 ? x - value / slope : (lo + hi) / 2;
      if (Math.abs(next - x) <= 1e-15 * Math.max(Math.abs(x), 1e-300) || hi - lo <= 4e-16 * hi) return lo <= next && next <= hi ? next : x;
      x = next;
    }
    return x;
  }
  function poissonMean(k, target) {  // as stats._poisson_mean
    const lf = logFactorial(k), goal = Math.log(target);
    const step = (x) => {
      const terms = [];
      for (let i = 0; i <= k; i++) terms.push(-x + i * Math.log(x) - lf[i]);
      const logCdf = logSum(terms);
      return [logCdf - goal, -Math.exp(-x + k * Math.log(x) - lf[k] - logCdf)];
    };
    let lo = 0, hi = k + 10 * Math.sqrt(k + 1) + 10;
    while (step(hi)[0] > 0) { lo = hi; hi *= 2; }
    return solve(step, lo, hi, Math.max(k + 0.5, 0.5));
  }
  const intervals = {};
  function poissonInterval(k) {
    if (!(k in intervals)) intervals[k] = [k > 0 ? poissonMean(k - 1, 0.975) : 0, poissonMean(k, 0.025)];
    return intervals[k];
  }
  // as stats.bunching: the Pearson dispersion of a period's uses over the speaker's statements of it
  // (uses per statement against words per statement), the statements in document order
  function bunching(found, words, statements, docWords) {
    if (!found.length) return NaN;
    const perDoc = new Map();
    for (const m of found) perDoc.set(m.doc, (perDoc.get(m.doc) || 0) + 1);
    let spread = 0;
    for (const d of [...perDoc.keys()].sort((a, b) => a - b)) spread += (perDoc.get(d) * perDoc.get(d)) / docWords.get(d);
    const y = found.length;
    return statements > 1 ? Math.max((spread * words / y - y) / (statements - 1), 0) : y;
  }
  // as stats.statement_interval: the exact interval, its log-scale distances times √max(1, bunching)
  function statementInterval(k, bunched) {
    const [low, high] = poissonInterval(k);
    if (k === 0) return [0, high];
    const scale = Math.sqrt(Math.max(Number.isNaN(bunched) ? 1 : bunched, 1));
    return [k * Math.exp(Math.log(low / k) * scale), k * Math.exp(Math.log(high / k) * scale)];
  }
  const round = (x, d) => Math.round(x * 10 ** d) / 10 ** d;

  /* ---- when did it change (as analysis/measures/changes.py, number for number) -------------------- */

  // the shuffles are counter-based 32-bit hashes, so this page draws the very numbers changes.py draws
  function hash32(x) {  // as changes.hash32 ("lowbias32")
    x ^= x >>> 16;
    x = Math.imul(x, 0x7feb352d);
    x ^= x >>> 15;
    x = Math.imul(x, 0x846ca68b);
    x ^= x >>> 16;
    return x >>> 0;
  }
  function fnv1a(text) {  // as changes.fnv1a
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(text)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
    return h;
  }
  const runKey = (phrase, a, b) => hash32(hash32(hash32((meta.changes.seed ^ phrase) >>> 0) + a) + b);
  const uniform = (key, c) => hash32((Math.imul(c, 0x9e3779b9) + key) >>> 0);
  const logLik = (y, w) => (y > 0 ? y * Math.log(y / w) : 0);

  function bestSplit(y, w, least) {  // as changes._ratios for one order: [statements in the first run, ratio]
    const n = y.length;
    let total = 0, words = 0;
    for (let i = 0; i < n; i++) { total += y[i]; words += w[i]; }
    if (!(total > 0)) return [-1, 0];
    const whole = logLik(total, words);
    let best = -1, value = -Infinity, y1 = 0, w1 = 0;
    for (let j = 1; j < n; j++) {
      y1 += y[j - 1];
      w1 += w[j - 1];
      const w2 = words - w1;
      if (j < least || n - j < least || w1 < meta.min_period_words || w2 < meta.min_period_words) continue;
      const ratio = 2 * (logLik(y1, w1) + logLik(total - y1, w2) - whole);
      if (ratio > value) { value = ratio; best = j; }
    }
    return best < 0 ? [-1, 0] : [best, value];
  }

  function permutationP(y, w, seen, key) {  // as changes.permutation_p
    const n = y.length, shuffles = meta.changes.permutations;
    const draws = new Uint32Array(n), order = new Array(n), py = new Float64Array(n), pw = new Float64Array(n);
    let atLeast = 0;
    for (let s = 0; s < shuffles; s++) {
      for (let j = 0; j < n; j++) { draws[j] = uniform(key, s * n + j); order[j] = j; }
      order.sort((a, b) => draws[a] - draws[b] || a - b);
      for (let j = 0; j < n; j++) { py[j] = y[order[j]]; pw[j] = w[order[j]]; }
      if (bestSplit(py, pw, meta.changes.min_run_statements)[1] >= seen - 1e-9) atLeast++;
    }
    return (1 + atLeast) / (1 + shuffles);
  }

  function dispersion(y, w) {  // as stats.bunching of a run's uses over its statements
    let total = 0, words = 0, spread = 0;
    for (let i = 0; i < y.length; i++) { total += y[i]; words += w[i]; spread += (y[i] * y[i]) / w[i]; }
    if (!(total > 0)) return NaN;
    return y.length > 1 ? Math.max((spread * words / total - total) / (y.length - 1), 0) : total;
  }

  function splitRuns(uses, words, phrase) {  // as changes.split: [[first statement of a new run, p]]
    const c = meta.changes, tested = new Map(), out = [];
    const test = (a, b) => {
      const y = uses.subarray(a, b), w = words.subarray(a, b);
      const [k, ratio] = bestSplit(y, w, c.min_run_statements);
      const d = dispersion(y, w);
      if (k < 0 || ratio < c.chi2 * Math.max(1, Number.isNaN(d) ? 1 : d)) return null;
      return [permutationP(y, w, ratio, runKey(phrase, a, b)), ratio, a + k];
    };
    let runs = [[0, uses.length]];
    while (out.length < c.max_changes) {
      let pick = null;
      for (const [a, b] of runs) {
        const key = `${a},${b}`;
        if (!tested.has(key)) tested.set(key, test(a, b));
        const t = tested.get(key);
        if (!t || !(t[0] < c.alpha)) continue;
        // the clearest first: the smallest p, then the largest ratio, then the earliest run
        if (!pick || t[0] < pick[0] || (t[0] === pick[0] && (t[1] > pick[1] || (t[1] === pick[1] && a < pick[3])))) {
          pick = [t[0], t[1], t[2], a, b];
        }
      }
      if (!pick) break;
      const [p, , cut, a, b] = pick;
      out.push([cut, round(p, 4)]);
      runs = runs.filter(([x, y]) => x !== a || y !== b).concat([[a, cut], [cut, b]]);
    }
    return out.sort((x, y) => x[0] - y[0]);
  }

  // the runs of statements between clear changes of one phrase in one speaker's words: the rows of
  // `analysis changes` (statements in date order; each run's rate, interval and bunching)
  function changesOf(speaker, phrase, matches, statementWords) {
    const docs = [...statementWords.keys()].sort((a, b) => (meta.doc_date[a] < meta.doc_date[b] ? -1 : meta.doc_date[a] > meta.doc_date[b] ? 1 : a - b));
    const place = new Map(docs.map((d, i) => [d, i]));
    const uses = new Float64Array(docs.length), words = new Float64Array(docs.map((d) => statementWords.get(d)));
    for (const m of matches) uses[place.get(m.doc)] += 1;
    const cuts = splitRuns(uses, words, fnv1a(phrase));
    const used = [...uses.keys()].filter((i) => uses[i] > 0);
    const first = used.length ? meta.doc_date[docs[used[0]]] : "", last = used.length ? meta.doc_date[docs[used[used.length - 1]]] : "";
    const bounds = [0, ...cuts.map(([c]) => c), docs.length], pOf = new Map(cuts);
    const rows = [];
    for (let s = 0; s + 1 < bounds.length; s++) {
      const [a, b] = [bounds[s], bounds[s + 1]];
      const y = uses.subarray(a, b), w = words.subarray(a, b);
      let count = 0, total = 0;
      for (let i = 0; i < y.length; i++) { count += y[i]; total += w[i]; }
      const bunched = dispersion(y, w);
      const [low, high] = statementInterval(count, bunched);
      rows.push({
        speaker, phrase, segment: s + 1, start: meta.doc_date[docs[a]], end: meta.doc_date[docs[b - 1]],
        statements: b - a, words: total, count,
        per_10k: round((count / total) * PER, 3), per_10k_low: round((low / total) * PER, 3), per_10k_high: round((high / total) * PER, 3),
        bunching: Number.isNaN(bunched) ? "" : round(bunched, 4), change_p: pOf.has(a) ? pOf.get(a) : "",
        first_use: first, last_use: last,
      });
    }
    return rows;
  }

  // a family as readers know it: its label in the lexicon ("our partners" for our-partners), else its name
  const named = (phrase) => (meta.labels && meta.labels[phrase]) || phrase;
  const rateText = (v) => (v >= 0.95 || v === 0 ? v.toFixed(1) : v.toFixed(2));  // as html.rate_text

  function changeSentence(runs) {  // as publish/changes.sentence, for one speaker and phrase
    const r0 = runs[0], count = runs.reduce((a, r) => a + r.count, 0);
    if (!count) return `“${named(r0.phrase)}” (${r0.speaker}): not used`;
    let said = "no clear change in its rate";
    if (runs.length > 1) {
      const steps = runs.slice(1).map((r, i) => `on ${r.start}, from ${rateText(runs[i].per_10k)} to ${rateText(r.per_10k)} per 10,000 words (p = ${r.change_p})`);
      said = `${steps.length === 1 ? "a clear change" : "clear changes"} ${steps.join("; ")}`;
    }
    const used = count === 1 ? `used once, on ${r0.first_use}` : `first used ${r0.first_use}, last ${r0.last_use}`;
    const held = runs.reduce((a, r) => a + r.statements, 0);
    return `“${named(r0.phrase)}” (${r0.speaker}): ${said}; ${used}, in this corpus, which holds ${fmt(held)} of his statements, ${r0.start} to ${runs[runs.length - 1].end}.`;
  }

  /* ---- the question ------------------------------------------------------------------------------ */

  function speakerCodes(names) {
    const byName = new Map(meta.speakers.map((s, i) => [s.name, i]));
    const out = [];
    for (const name of names) {
      const codes = meta.groups[name] || (byName.has(name) ? [byName.get(name)] : []);
      for (const c of codes) if (!out.includes(c)) out.push(c);
    }
    return out;
  }

  async function answer(query) {
    const asked = query.phrases;
    const list = terms(asked);
    const codes = speakerCodes(query.speakers);
    const rows = [];
    for (const term of list) term.forms.forEach((f) => compile(0, f));  // a bad phrase fails before anything loads
    const perSpeaker = await Promise.all(codes.map(async (s) => {  // every speaker's files at once
      const [docs, statementWords] = await Promise.all([paragraphDocs(s), docWords(s)]);
      const cut = query.by === "month" ? 7 : 4;
      const periods = meta.speakers[s][query.by];
      const mine = [];
      for (const term of list) {
        const matches = await matchTerm(term, s);
        const byPeriod = {};
        for (const m of matches) {
          m.doc = docs[m.par];
          const label = meta.doc_date[m.doc].slice(0, cut);
          (byPeriod[label] = byPeriod[label] || []).push(m);
        }
        for (const period of Object.keys(periods).sort()) {
          const [words, statements] = periods[period];
          const found = byPeriod[period] || [];
          const bunched = bunching(found, words, statements, statementWords);
          const [low, high] = statementInterval(found.length, bunched);
          mine.push({
            speaker: meta.speakers[s].name, code: s, phrase: term.name, period, count: found.length,
            documents: statements, speaker_words: words,
            per_10k: round((found.length / words) * PER, 3),
            per_10k_low: round((low / words) * PER, 3),
            per_10k_high: round((high / words) * PER, 3),
            bunching: Number.isNaN(bunched) ? "" : round(bunched, 4),
            documents_with_match: new Set(found.map((m) => m.doc)).size,
            matches: found,
          });
        }
      }
      return mine;
    }));
    for (const mine of perSpeaker) rows.push(...mine);
    return rows;
  }

  // the changes of every speaker and phrase of an answer's rows (their matches, as counted)
  async function changeRows(rows) {
    const series = new Map();
    for (const r of rows) {
      const key = `${r.code}\u0000${r.phrase}`;
      if (!series.has(key)) series.set(key, { code: r.code, speaker: r.speaker, phrase: r.phrase, matches: [] });
      series.get(key).matches.push(...r.matches);
    }
    const out = [];
    for (const s of series.values()) out.push(changesOf(s.speaker, s.phrase, s.matches, await docWords(s.code)));
    return out;
  }

  /* ---- the page ------------------------------------------------------------------------------------ */

  const $ = (id) => document.getElementById(id);
  const el = (tag, attrs = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    for (const c of children) e.append(c);
    return e;
  };
  const svgEl = (tag, attrs = {}) => {
    const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const OPEN_ROWS = 60;  // a table of more rows is shown folded
  // a summary of more series names those without a use on one line per phrase, and is shown folded (a
  // group's line per member would push the chart a few screens down on a phone)
  const SUMMARY_LINES = 12;
  const numbers = new Intl.NumberFormat("en-US");  // one formatter: toLocaleString makes one a call
  const fmt = (n) => numbers.format(n);
  const COLUMNS = ["speaker", "phrase", "period", "count", "documents", "speaker_words", "per_10k", "per_10k_low", "per_10k_high", "bunching", "documents_with_match"];
  const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
  let shown = [];

  function readQuery() {
    const phrases = $("phrase").value.split(",").map((p) => p.trim()).filter(Boolean);
    const speakers = [...$("speakers").selectedOptions].map((o) => o.value);
    const by = document.querySelector("input[name=by]:checked").value;
    return { phrases, speakers, by };
  }

  function fragment(q) {
    const parts = [`q=${encodeURIComponent(q.phrases.join(", "))}`];
    for (const s of q.speakers) parts.push(`speaker=${encodeURIComponent(s)}`);
    parts.push(`by=${q.by}`);
    return "#" + parts.join("&");
  }

  function fromFragment() {
    const params = new URLSearchParams(location.hash.slice(1));
    if (!params.has("q")) return false;
    $("phrase").value = params.get("q");
    const wanted = params.getAll("speaker");
    for (const o of $("speakers").options) o.selected = wanted.includes(o.value);
    const by = params.get("by") === "month" ? "month" : "year";
    document.querySelector(`input[name=by][value=${by}]`).checked = true;
    return true;
  }

  function csv(rows) {
    const cell = (v) => {
      let s = String(v);
      if (/^[=+\-@]/.test(s)) s = "'" + s;  // never a spreadsheet formula
      return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    };
    return [COLUMNS.join(","), ...rows.map((r) => COLUMNS.map((c) => cell(r[c])).join(","))].join("\n") + "\n";
  }

  async function quotes(row, into) {
    const list = el("div", { class: "quotes" });
    const docs = await paragraphDocs(row.code);
    const monthOf = (m) => meta.doc_date[docs[m.par]].slice(0, 7);
    await Promise.all([...new Set(row.matches.map(monthOf))].map((month) => chunk(row.code, month)));
    const items = [];
    for (const m of row.matches) {
      const c = await chunk(row.code, monthOf(m));
      const span = m.unit === "char" ? m : await toChars(m);
      items.push({ m, span, text: c.texts[c.at.get(m.par)], doc: c.docs[String(docs[m.par])] });
    }
    items.sort((a, b) => a.doc[1].localeCompare(b.doc[1]) || a.doc[0].localeCompare(b.doc[0]) || a.m.par - b.m.par || a.span.start - b.span.start);
    const fragment = document.createDocumentFragment();
    let part = null;
    for (const [i, { span, text, doc }] of items.entries()) {
      if (i % QUOTES_PER_LIST === 0) {
        // the height a list is given until it is first laid out: about 4.5rem a quote
        fragment.append(part = el("ol", { start: String(i + 1) }));
        part.style.containIntrinsicSize = `auto 4.5rem auto ${4.5 * Math.min(QUOTES_PER_LIST, items.length - i)}rem`;
      }
      const [docId, date, title, url] = doc;
      let left = text.slice(Math.max(0, span.start - CONTEXT), span.start);
      let right = text.slice(span.end, span.end + CONTEXT);
      if (span.start > CONTEXT) left = left.replace(/^\S*\s/, "");  // whole words at the cut
      if (span.end + CONTEXT < text.length) right = right.replace(/\s\S*$/, "");
      const cite = el("p", { class: "cite" }, `${date} · `);
      if (/^https?:\/\//.test(url)) cite.append(el("a", { href: url, rel: "noopener" }, title || docId));
      else cite.append(title || docId);
      cite.append(` · ${docId}`);
      part.append(el("li", { class: "quote" }, cite, el("p", {}, (span.start > CONTEXT ? "…" : "") + left, el("mark", {}, text.slice(span.start, span.end)), right + (span.end + CONTEXT < text.length ? "…" : ""))));
    }
    list.append(fragment);
    into.append(list);
  }

  function chart(rows, by) {
    const box = $("chart");
    box.replaceChildren();
    const series = new Map();
    for (const r of rows) {
      const key = `${r.speaker} · ${named(r.phrase)}`;
      if (!series.has(key)) series.set(key, []);
      series.get(key).push(r);
    }
    const periods = [...new Set(rows.map((r) => r.period))].sort();
    if (!periods.length) return;
    const W = Math.max(300, Math.min(900, box.clientWidth || 720)), H = W < 500 ? 240 : 300, L = 44, B = 40, T = 12, Rm = 24;  // room for half of the last period's label
    const drawn = rows.filter((r) => r.speaker_words >= meta.min_period_words);
    // the scale follows the rates, with room above the highest; a whisker that goes higher (an interval
    // widened by uses bunched in one statement, say) is cut at the top and ends in a caret
    const peak = Math.max(0, ...drawn.map((r) => r.per_10k)), reach = Math.max(1e-9, ...drawn.map((r) => r.per_10k_high));
    const top = peak > 0 ? Math.min(reach, 1.6 * peak) : reach;
    const x = (p) => L + (periods.length === 1 ? (W - L - Rm) / 2 : (periods.indexOf(p) * (W - L - Rm)) / (periods.length - 1));
    const y = (v) => T + (H - T - B) * (1 - v / top);
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", "aria-labelledby": "chart-title" });
    const title = svgEl("title", { id: "chart-title" });
    title.textContent = `Uses per 10,000 words by ${by}, with 95% intervals; the table below gives every number.`;
    svg.append(title);
    svg.append(svgEl("line", { x1: L, x2: W - Rm, y1: y(0), y2: y(0), stroke: "#999" }));
    for (const v of [0, top / 2, top]) {
      const t = svgEl("text", { x: L - 6, y: y(v) + 4, "text-anchor": "end", "font-size": 11 });
      t.textContent = v >= 100 ? fmt(Math.round(v)) : String(round(v, 2));
      svg.append(t);
    }
    const step = Math.max(1, Math.ceil(periods.length / Math.floor(W / 60)));
    periods.forEach((p, i) => {
      if (i % step) return;
      const t = svgEl("text", { x: x(p), y: H - B + 16, "text-anchor": "middle", "font-size": 11 });
      t.textContent = p;
      svg.append(t);
    });
    let colour = 0;
    const legend = el("ul", { class: "legend" });
    for (const [key, list] of series) {
      const c = COLOURS[colour++ % COLOURS.length];
      const segments = [[]];
      for (const r of list) {
        const i = rows.indexOf(r);
        if (r.speaker_words < meta.min_period_words) {  // too few words: marked on the axis, not drawn
          const mark = svgEl("text", { x: x(r.period), y: y(0) - 4, "text-anchor": "middle", "font-size": 10, fill: "#777" });
          mark.textContent = "×";
          svg.append(mark);
          segments.push([]);
          continue;
        }
        segments[segments.length - 1].push(`${x(r.period)},${y(r.per_10k)}`);
        svg.append(svgEl("line", { x1: x(r.period), x2: x(r.period), y1: y(r.per_10k_low), y2: y(Math.min(r.per_10k_high, top)), stroke: c, "stroke-opacity": 0.45 }));
        if (r.per_10k_high > top) {  // the interval reaches above the chart: its upper end is in the table
          const caret = svgEl("polyline", { points: `${x(r.period) - 4},${y(top) + 5} ${x(r.period)},${y(top)} ${x(r.period) + 4},${y(top) + 5}`, fill: "none", stroke: c });
          const why = svgEl("title");
          why.textContent = `${key}, ${r.period}: the 95% interval reaches ${r.per_10k_high} per 10,000`;
          caret.append(why);
          svg.append(caret);
        }
        const a = svgEl("a", { href: `#r-${i}` });
        const dot = svgEl("circle", { cx: x(r.period), cy: y(r.per_10k), r: 4, fill: c });
        const tip = svgEl("title");
        tip.textContent = `${key}, ${r.period}: ${r.count} uses in ${fmt(r.speaker_words)} words (${r.per_10k} per 10,000)`;
        dot.append(tip);
        a.append(dot);
        a.addEventListener("click", (ev) => { ev.preventDefault(); openRow(i); });
        svg.append(a);
      }
      for (const points of segments) {
        if (points.length > 1) svg.prepend(svgEl("polyline", { points: points.join(" "), fill: "none", stroke: c, "stroke-width": 2 }));
      }
      legend.append(el("li", { style: `--c:${c}` }, key));
    }
    box.append(svg, legend);
  }

  function openRow(i) {
    const d = $(`r-${i}`);
    if (!d) return;
    $("table-box").open = true;
    d.open = true;
    d.scrollIntoView({ block: "center" });
    d.querySelector("summary").focus();
  }

  function table(rows) {
    const body = $("results").querySelector("tbody");
    body.replaceChildren();
    // a long table (a group, or months) is folded: laying out hundreds of rows costs more than the
    // answer itself; the chart's points, the summary and the CSV stay at hand, and it opens with a click
    const box = $("table-box");
    box.open = rows.length <= OPEN_ROWS;
    $("table-summary").textContent = `The table: ${fmt(rows.length)} row${rows.length === 1 ? "" : "s"}, every number of the chart`;
    rows.forEach((r, i) => {
      const few = r.speaker_words < meta.min_period_words;
      const details = el("details", { class: "result", id: `r-${i}`, "data-speaker": r.speaker, "data-phrase": r.phrase, "data-period": r.period, "data-count": r.count });
      details.append(el("summary", {}, `${fmt(r.count)}`));
      details.addEventListener("toggle", () => {
        if (details.open && !details.dataset.loaded) {
          details.dataset.loaded = "1";
          quotes(r, details);
        }
      }, { once: false });
      const cell = (label, ...content) => el("td", { "data-label": label }, ...content);
      body.append(el("tr", few ? { class: "few" } : {},
        cell("speaker", r.speaker), cell("phrase", named(r.phrase)), cell("period", r.period), cell("uses", details),
        cell("words", fmt(r.speaker_words) + (few ? " (too few to draw)" : "")), cell("statements", fmt(r.documents)),
        cell("per 10,000", String(r.per_10k)), cell("95% interval", `${r.per_10k_low}–${r.per_10k_high}`)));
    });
  }

  function summary(rows, query, ms) {
    const out = $("summary");
    out.replaceChildren();
    const bySeries = new Map();
    for (const r of rows) {
      const key = `${r.speaker}\u0000${r.phrase}`;
      if (!bySeries.has(key)) bySeries.set(key, []);
      bySeries.get(key).push(r);
    }
    const none = new Map();  // phrase -> speakers who never use it (a long summary names them on one line)
    for (const list of bySeries.values()) {
      const s = meta.speakers[list[0].code];
      const uses = list.reduce((a, r) => a + r.count, 0);
      const words = list.reduce((a, r) => a + r.speaker_words, 0);
      if (!uses && bySeries.size > SUMMARY_LINES) {
        if (!none.has(list[0].phrase)) none.set(list[0].phrase, []);
        none.get(list[0].phrase).push(`${s.name} (${fmt(words)} words)`);
        continue;
      }
      const withUses = list.filter((r) => r.count).map((r) => r.matches).flat();
      let first = "";
      if (withUses.length) {
        const earliest = withUses.map((m) => meta.doc_date[m.doc]).sort()[0];
        first = ` First use in this corpus: ${earliest}.`;
      }
      out.append(el("li", {}, `${s.name}, “${named(list[0].phrase)}”: ${fmt(uses)} use${uses === 1 ? "" : "s"} in ${fmt(words)} words of his own (${s.first} to ${s.last}).${first}${uses < 5 ? " Few uses: read the quotes before drawing a conclusion." : ""}`));
    }
    for (const [phrase, names] of none) out.append(el("li", {}, `No use of “${named(phrase)}” in the words of ${names.join(", ")}.`));
    const lines = out.children.length;
    $("summary-box").hidden = !lines;
    $("summary-box").open = bySeries.size <= SUMMARY_LINES;
    $("summary-title").textContent = `In words: each speaker and phrase, uses and first use (${fmt(lines)} line${lines === 1 ? "" : "s"})`;
    $("status").textContent = `${rows.length} rows for ${query.phrases.length} phrase(s) and ${query.speakers.length} speaker(s) or group(s), in ${Math.round(ms)} ms.`;
  }

  let changesAsked = null;  // the rows whose changes the box shows or will show when opened

  function offerChanges(rows) {
    changesAsked = rows;
    $("changes").replaceChildren();
    $("changes-box").hidden = !rows.length;
    if ($("changes-box").open) showChanges();
  }

  async function showChanges() {
    const rows = changesAsked;
    if (!rows || $("changes").children.length) return;
    $("changes-status").textContent = "Looking for changes…";
    await new Promise((r) => setTimeout(r, 0));  // let the page say so before the shuffles
    const found = await changeRows(rows);
    if (rows !== changesAsked) return;
    $("changes").replaceChildren(...found.map((runs) => el("li", {}, changeSentence(runs))));
    $("changes-status").textContent = "";
  }

  let asking = 0;
  async function ask() {
    const query = readQuery();
    if (!query.phrases.length || !query.speakers.length) {
      $("status").textContent = "Type a phrase and choose at least one speaker.";
      return;
    }
    const mine = ++asking;
    const began = performance.now();
    document.body.dataset.state = "asking";
    $("status").textContent = "Counting…";
    try {
      const rows = await answer(query);
      if (mine !== asking) return;
      shown = rows;
      history.replaceState(null, "", fragment(query));
      chart(rows, query.by);
      table(rows);
      summary(rows, query, performance.now() - began);
      offerChanges(rows);
      $("download").hidden = false;
      document.body.dataset.state = "done";
    } catch (err) {
      if (mine !== asking) return;
      $("status").textContent = err instanceof PhraseError ? err.message : `Could not answer: ${err.message}`;
      document.body.dataset.state = "error";
    }
  }

  async function start() {
    // A long list of quotes (thousands of uses of a common word) is laid out as it scrolls into view, not all
    // at once, a list of QUOTES_PER_LIST at a time (skipping each quote on its own cost more to add and to
    // remove than laying them all out). Set here rather than in site.css: the reports' pages pass the Nu
    // checker, whose CSS grammar does not know these properties yet.
    const lists = new CSSStyleSheet();
    lists.replaceSync(".quotes > ol { content-visibility: auto; }");
    document.adoptedStyleSheets = [...document.adoptedStyleSheets, lists];
    await load("meta");
    if (!meta || String(meta.version) !== document.body.dataset.version) { $("status").textContent = "The explorer's data are missing or of another version."; return; }
    vocabKeys = new Set(meta.vocab_keys);
    $("download").addEventListener("click", () => {
      const url = URL.createObjectURL(new Blob([csv(shown)], { type: "text/csv" }));
      const a = el("a", { href: url, download: "refrain-explore.csv" });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 1000);
    });
    $("ask").addEventListener("submit", (ev) => { ev.preventDefault(); ask(); });
    $("changes-box").addEventListener("toggle", () => { if ($("changes-box").open) showChanges(); });
    let timer = null;
    $("phrase").addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(ask, 250); });
    $("speakers").addEventListener("change", ask);
    for (const r of document.querySelectorAll("input[name=by]")) r.addEventListener("change", ask);
    window.addEventListener("hashchange", () => { if (fromFragment()) ask(); });
    document.body.dataset.state = "ready";
    if (fromFragment()) ask();
  }

  Refrain.answer = answer;  // for scripts and tests: the rows of a query, as the page shows them
  Refrain.csv = () => csv(shown);
  Refrain.changes = async (query) => (await changeRows(await answer(query))).flat();  // the rows of `analysis changes`
  Refrain.loaded = () => Object.keys(loading).map((path) => "explore/" + path + ".js");  // for the benchmark
  document.addEventListener("DOMContentLoaded", start);
})();
