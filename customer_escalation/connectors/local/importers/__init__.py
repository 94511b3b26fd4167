"""Read support-platform exports into a `Dataset` that `LocalWorkspace.load` stores in one transaction.

Two formats:

* Zendesk JSON, in the shapes Zendesk produces: an API response object with ``tickets`` (and
  side-loaded ``users`` and ``organizations``), a bare list of tickets, or NDJSON with one ticket (or
  one such response page) per line, as the incremental ticket export and the account data export
  write. A ticket may carry its conversation in ``comments``. Zendesk organizations also become CRM
  accounts (id, name, domains), so the workspace can answer "who is this customer" for them.
* CSV with a column mapping (our field name -> column header), given as a YAML or JSON file: tickets
  (`read_csv`, `CSV_FIELDS`) or CRM accounts (`read_accounts_csv`, `ACCOUNT_CSV_FIELDS`).

Every id must be a whole number or text of letters, digits and ``- _ . : # @ +`` (at most
`MAX_ID_LENGTH` characters); names, e-mails and bodies must be text. An import is merged into the
workspace (`LocalWorkspace.load` with ``merge=True``): it never erases a field it does not carry.

The whole file is read and checked before anything is written; every problem raises `ImportFileError`
naming the file and the line (CSV, NDJSON) or the ticket (JSON) at fault.
"""

from .csv_files import read_accounts_csv, read_csv, read_mapping
from .fields import ACCOUNT_CSV_FIELDS, ACCOUNT_CSV_REQUIRED, CSV_FIELDS, CSV_OPTIONAL, CSV_REQUIRED
from .zendesk import read_zendesk_export

__all__ = [
    "ACCOUNT_CSV_FIELDS",
    "ACCOUNT_CSV_REQUIRED",
    "CSV_FIELDS",
    "CSV_OPTIONAL",
    "CSV_REQUIRED",
    "read_accounts_csv",
    "read_csv",
    "read_mapping",
    "read_zendesk_export",
]
