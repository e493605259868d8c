/** Saves `text` as a file the browser downloads, encoded as UTF-8. */
export function downloadText(text: string, fileName: string, contentType: string): void {
  const type = contentType.includes('charset') ? contentType : `${contentType};charset=utf-8`;
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken the data by the time the next task runs.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
