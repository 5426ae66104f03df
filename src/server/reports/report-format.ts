/**
 * Report rows as CSV (RFC 4180, header row, `.` decimals, nothing rounded) and XLSX (exceljs, one
 * sheet, header row). Object fields (`pausedByReason`) are written as JSON text.
 */
import ExcelJS from 'exceljs';

type Row = object;

function columns(rows: readonly Row[]): string[] {
  const seen = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row)) seen.add(key);
  return [...seen];
}

function cell(value: unknown): string | number | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return JSON.stringify(value);
}

function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** CSV text of rows (columns: the union of the rows' keys, in first-seen order). */
export function toCsv(rows: readonly Row[], fallbackColumns: readonly string[] = []): string {
  const cols = rows.length > 0 ? columns(rows) : [...fallbackColumns];
  const lines = [cols.map(csvField).join(',')];
  for (const row of rows) {
    lines.push(cols.map((c) => csvField(cell((row as Record<string, unknown>)[c]))).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** XLSX workbook bytes of rows (one sheet named `sheetName`). */
export async function toXlsx(
  rows: readonly Row[],
  sheetName: string,
  fallbackColumns: readonly string[] = [],
): Promise<Buffer> {
  const cols = rows.length > 0 ? columns(rows) : [...fallbackColumns];
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(sheetName);
  sheet.addRow(cols);
  sheet.getRow(1).font = { bold: true };
  for (const row of rows) sheet.addRow(cols.map((c) => cell((row as Record<string, unknown>)[c])));
  const data = await workbook.xlsx.writeBuffer();
  return Buffer.from(data);
}
