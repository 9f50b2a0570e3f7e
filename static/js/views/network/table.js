// The layer table: one row per leaf layer (shape, parameters, MACs or FLOPs, the
// receptive field), every number a button that opens its formula under the row,
// a link into the operation view for convolutions and pools. Rows are picked for
// the receptive-field panel.

const fmt = (n) => n.toLocaleString('en-US');
const shapeText = (s) => s.join(' × ');
const BIASED = new Set(['conv2d', 'conv_transpose2d', 'linear']);

/** The operations a row counts under the switches: MACs or FLOPs, bias adds or not. */
export function opsOf(row, { ops, bias }) {
  return (ops === 'flops' ? row.flops : row.macs) + (bias && BIASED.has(row.type) ? row.other_ops : 0);
}

function opsFormula(row, look) {
  const lines = [...row.formulas.macs];
  if (look.ops === 'flops') lines.push(`FLOPs = 2·MACs = 2·${fmt(row.macs)} = ${fmt(row.flops)}`);
  if (look.bias && BIASED.has(row.type)) lines.push(...row.formulas.other_ops);
  return lines;
}

export class LayerTable {
  /** onPick(path): a row was picked; linkOf(row) → {href, text, title} or null. */
  constructor(table, onPick, linkOf) {
    this.table = table;
    this.onPick = onPick;
    this.linkOf = linkOf;
    this.open = null;  // "path|column" of the formula shown
    table.addEventListener('click', (e) => {
      const cell = e.target.closest('button[data-col]');
      const tr = e.target.closest('tr[data-path]');
      if (cell) {
        const key = `${cell.closest('tr').dataset.path}|${cell.dataset.col}`;
        this.open = this.open === key ? null : key;
        this.draw();
        return;
      }
      if (tr && !e.target.closest('a')) onPick(tr.dataset.path);
    });
  }

  set(resp, look, picked) {
    this.resp = resp;
    this.look = look;
    this.picked = picked;
    this.draw();
  }

  draw() {
    const { resp, look } = this;
    const head = document.createElement('thead');
    head.innerHTML = '<tr><th scope="col">layer</th><th scope="col">type</th>'
      + '<th scope="col">output shape</th><th scope="col">parameters</th>'
      + `<th scope="col">${look.ops === 'flops' ? 'FLOPs' : 'MACs'}${look.bias ? ' + bias adds' : ''}</th>`
      + '<th scope="col">receptive field (size, stride, padding)</th><th scope="col">view</th></tr>';
    const body = document.createElement('tbody');
    for (const row of resp.layers) {
      const tr = document.createElement('tr');
      tr.dataset.path = row.path;
      tr.tabIndex = 0;
      tr.classList.toggle('picked', row.path === this.picked);
      tr.classList.toggle('net-sum', row.type === 'add');
      tr.addEventListener('keydown', (e) => { if (e.key === 'Enter' && e.target === tr) this.onPick(row.path); });
      const rf = row.receptive_field;
      const rfText = rf ? `${rf.size.join(' × ')}, ${rf.stride.join(' × ')}, ${rf.padding.join(' × ')}` : '—';
      const cells = [
        ['path', row.path, null], ['type', row.type, null],
        ['output_shape', shapeText(row.output_shape), row.formulas.output_shape],
        ['params', fmt(row.params), row.formulas.params],
        ['ops', fmt(opsOf(row, look)), opsFormula(row, look)],
        ['receptive_field', rfText, row.formulas.receptive_field],
      ];
      for (const [col, text, formula] of cells) {
        const td = document.createElement('td');
        td.dataset.col = col;
        if (formula) {
          const b = document.createElement('button');
          b.type = 'button';
          b.dataset.col = col;
          b.textContent = text;
          b.setAttribute('aria-expanded', String(this.open === `${row.path}|${col}`));
          b.title = 'show the formula';
          td.append(b);
        } else td.textContent = text;
        tr.append(td);
      }
      const view = document.createElement('td');
      const link = this.linkOf(row);
      if (link) {
        const a = document.createElement('a');
        a.href = link.href;
        a.textContent = link.text;
        a.title = link.title;
        a.dataset.open = row.path;
        view.append(a);
      }
      tr.append(view);
      body.append(tr);
      if (this.open && this.open.startsWith(`${row.path}|`)) {
        const col = this.open.split('|')[1];
        const f = cells.find(([c]) => c === col)[2];
        const ftr = document.createElement('tr');
        ftr.className = 'net-formula';
        const td = document.createElement('td');
        td.colSpan = 7;
        td.dataset.formula = col;
        for (const line of f.length ? f : ['no formula']) {
          const p = document.createElement('p');
          p.textContent = line;
          td.append(p);
        }
        if (col === 'receptive_field' && row.receptive_field_note) {
          const p = document.createElement('p');
          p.textContent = row.receptive_field_note;
          td.append(p);
        }
        if (row.separable && col === 'ops') {
          const p = document.createElement('p');
          p.textContent = `Replaces a full convolution: ${row.separable.formula}`;
          td.append(p);
        }
        ftr.append(td);
        body.append(ftr);
      }
    }
    this.table.replaceChildren(head, body);
  }
}
