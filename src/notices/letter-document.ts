/** A message as a printable letter (PDF, A4): the sender, the date, the addressee's postal address, the subject and the text. */
import PDFDocument from 'pdfkit';

export interface PrintableLetter {
  companyName: string;
  collectionsPhone: string;
  /** The letter's date, YYYY-MM-DD. */
  date: string;
  recipientName: string;
  /** One line per line of the address, as it goes on the envelope. */
  postalAddress: string;
  subject: string;
  /** The message's plain-text body; paragraphs split on blank lines. */
  body: string;
}

/** Renders the letter; the same letter always gives the same bytes (no creation time in the file), so a retry stores what was first made. */
export function renderLetterPdf(letter: PrintableLetter): Promise<Buffer> {
  const doc = new PDFDocument({ size: 'A4', margin: 56, info: { Title: letter.subject, Author: letter.companyName, CreationDate: new Date(`${letter.date}T00:00:00Z`) } });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  doc.font('Helvetica-Bold').fontSize(14).text(letter.companyName);
  doc.font('Helvetica').fontSize(9).text(`Accounts receivable · ${letter.collectionsPhone}`).moveDown(2);
  doc.fontSize(11).text(letter.recipientName);
  for (const line of letter.postalAddress.split('\n')) doc.text(line);
  doc.moveDown(2).text(letter.date, { align: 'right' }).moveDown();
  doc.font('Helvetica-Bold').text(letter.subject).moveDown();
  doc.font('Helvetica');
  for (const paragraph of letter.body.split(/\n\s*\n/)) doc.text(paragraph.trim(), { align: 'left' }).moveDown(0.7);
  doc.end();
  return done;
}
