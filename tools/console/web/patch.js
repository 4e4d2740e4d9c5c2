// Redraws a table body in place. The console redraws every second (ages move on) and on every
// message; writing a whole tbody's innerHTML replaced the button under the operator's pointer
// whenever a redraw fell between mousedown and mouseup, and the browser then sent the click to
// the table, not the button: "remove" did nothing. Here a row keeps its element while its key
// stays, and only the cells whose HTML changed are replaced, so a button lives as long as it is
// the same button.

/**
 * Makes `tbody`'s rows those of `html` (a string of `<tr>`s), keyed by the `keyAttribute`
 * attribute. Rows without the attribute (an "empty" line) are always replaced.
 */
export function patchRows(tbody, html, keyAttribute) {
  const template = document.createElement('template');
  template.innerHTML = `<table><tbody>${html}</tbody></table>`;
  const existing = new Map([...tbody.rows].filter((row) => row.hasAttribute(keyAttribute)).map((row) => [row.getAttribute(keyAttribute), row]));
  const rows = [...template.content.querySelector('tbody').rows].map((row) => {
    const old = row.hasAttribute(keyAttribute) ? existing.get(row.getAttribute(keyAttribute)) : undefined;
    return old ? patchRow(old, row) : row;
  });
  rows.forEach((row, index) => {
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] ?? null);
  });
  while (tbody.rows.length > rows.length) tbody.lastElementChild.remove();
}

/** `old` brought to `row`'s attributes and cells, keeping every cell whose HTML is the same. */
function patchRow(old, row) {
  if (old.outerHTML === row.outerHTML) return old;
  const oldCells = [...old.cells];
  const newCells = [...row.cells];
  if (oldCells.length !== newCells.length) return row;
  for (const { name } of [...old.attributes]) if (!row.hasAttribute(name)) old.removeAttribute(name);
  for (const { name, value } of [...row.attributes]) if (old.getAttribute(name) !== value) old.setAttribute(name, value);
  oldCells.forEach((cell, index) => {
    if (cell.outerHTML !== newCells[index].outerHTML) cell.replaceWith(newCells[index]);
  });
  return old;
}
