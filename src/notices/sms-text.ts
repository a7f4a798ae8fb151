/** A message as an SMS: the subject, what is owed and how to pay, short enough for a few segments. */
import type { NoticeVariables } from './notice-variables';

/** Three concatenated segments of GSM text: beyond it carriers split or refuse. */
export const SMS_MAX_LENGTH = 459;

/** The SMS for a reminder: the email's subject stands for the template's words. */
export function smsText(subject: string, notice: NoticeVariables): string {
  const owed = notice.invoices.length > 1
    ? `${notice.invoices.length} invoices, ${notice.total} in total, are past due`
    : `Invoice #${notice.invoice.number}, balance ${notice.invoice.balance}, is ${notice.invoice.daysPastDue} days past due`;
  const pay = notice.paymentLink.startsWith('mailto:') ? `call ${notice.company.phone}` : `pay at ${notice.paymentLink} or call ${notice.company.phone}`;
  const text = `${notice.company.name}: ${subject}. ${owed}: ${pay}.`;
  return text.length <= SMS_MAX_LENGTH ? text : `${text.slice(0, SMS_MAX_LENGTH - 1)}…`;
}
