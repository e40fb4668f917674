/** Demo medical reports as real PDF files (pdf-lib, standard fonts: nothing downloaded). */
import { PDFDocument, StandardFonts, rgb } from "pdf-lib";

export interface DemoReportContent {
  readonly title: string;
  readonly patientName: string;
  readonly doctorName: string;
  readonly department: string;
  readonly date: string;
  readonly findings: readonly string[];
}

export async function makeReportPdf(content: DemoReportContent): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  pdf.setTitle(content.title);
  pdf.setAuthor(content.doctorName);
  pdf.setCreationDate(new Date(`${content.date}T09:00:00Z`));
  pdf.setModificationDate(new Date(`${content.date}T09:00:00Z`));
  const page = pdf.addPage([595, 842]);
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  let y = 780;
  const line = (text: string, size = 11, font = regular) => {
    page.drawText(text, { x: 56, y, size, font, color: rgb(0.1, 0.12, 0.16) });
    y -= size + 9;
  };
  line("MedLedger General Hospital", 10, bold);
  line(content.department, 10);
  y -= 14;
  line(content.title, 20, bold);
  y -= 6;
  line(`Patient: ${content.patientName}`);
  line(`Physician: ${content.doctorName}`);
  line(`Date: ${content.date}`);
  y -= 10;
  line("Findings", 13, bold);
  for (const finding of content.findings) line(`- ${finding}`);
  y -= 20;
  line("This report is registered on MedLedger: verify it at /verify.", 9);
  return pdf.save({ useObjectStreams: false });
}
