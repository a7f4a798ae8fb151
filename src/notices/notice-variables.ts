/** The variables the engine provides to every notice, call script and letter, and their paths for the variable check. */

/** One overdue invoice as a row of the notice's table. */
export interface NoticeInvoiceRow {
  number: string;
  amount: string;
  balance: string;
  dueDate: string;
  daysPastDue: number;
}

/** One late charge (interest or a late fee) as a line of the notice. */
export interface NoticeCharge {
  label: string;
  amount: string;
}

/** Every variable a template may use; amounts are already formatted for their currency. */
export interface NoticeVariables {
  customer: { name: string };
  company: { name: string; phone: string };
  invoice: NoticeInvoiceRow;
  invoices: NoticeInvoiceRow[];
  total: string;
  /** Interest and late fees as separate lines, already formatted; empty when none are charged. */
  charges: NoticeCharge[];
  paymentLink: string;
  tone: string;
}

/** Every variable path the engine provides to a template; `invoices[]` is each row of the table. */
export const NOTICE_VARIABLE_PATHS: ReadonlySet<string> = new Set([
  'customer.name', 'company.name', 'company.phone',
  'invoice.number', 'invoice.amount', 'invoice.balance', 'invoice.dueDate', 'invoice.daysPastDue',
  'invoices', 'invoices[].number', 'invoices[].amount', 'invoices[].balance', 'invoices[].dueDate', 'invoices[].daysPastDue',
  'total', 'charges', 'charges[].label', 'charges[].amount', 'paymentLink', 'tone',
]);
