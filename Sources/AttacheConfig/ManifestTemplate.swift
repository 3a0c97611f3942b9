extension ManifestLoader {
    /// The commented `attache.yaml` that `attache init` writes.
    ///
    /// It is a valid manifest as written (its roots need not exist to load it), so a user
    /// edits paths rather than fixing syntax. Sources are commented out: they describe the
    /// legacy system, which only the user knows.
    public static let template: String = #"""
        # attache.yaml — one migration of a legacy CRM's file attachments.
        # Every attache command reads this file. Relative paths are relative to this file's folder.
        # Reference: Documentation/Manifest.md. Check it with any command, e.g. 'attache scan'.

        # The manifest format. Leave it at 1.
        version: 1

        # The catalog: a SQLite file where every stage records what it found and decided.
        catalog: attache.db

        # The legacy folders, as this machine sees them (mount the shares first).
        roots:
          - path: /mnt/legacy/fileserver
            # How the records spell this folder; a record's path that starts with an alias
            # is looked up under 'path'. Written in single quotes, backslashes stay as they are.
            aliases: ['\\FILESRV01\CRM\', 'K:\']
            # A Windows share: names match whatever their case.
            case_insensitive: true
          # - path: /mnt/legacy/vtiger
          #   aliases: ['/var/www/vtigercrm/']

        # Paths (relative to each root) the scan skips. '*' stays within a folder, '**' crosses folders.
        exclude:
          - '**/.snapshot/**'
          - 'Thumbs.db'

        # The records that point at files. Each source has a unique name and reads exactly one of:
        #   sqlite: FILE      a SQLite database, with 'table: NAME' or 'query: SELECT …'
        #   csv: FILE         a CSV export ('delimiter', 'encoding' when it is not UTF-8 with commas)
        #   text_files: DIR   a folder of text or HTML files whose content holds paths
        #   mysql: URL        a live MySQL/MariaDB database (mysql://USER@HOST:3306/DB or ?socket=…), read-only
        #   postgresql: URL   a live PostgreSQL database (postgresql://USER@/DB?host=/var/run/postgresql), read-only
        #   preset: NAME      a CRM whose tables attache knows, with 'database: FILE' (or 'mysql:'/'postgresql:')
        # A live database's password comes from 'password_env: VARIABLE', ~/.my.cnf, ~/.pgpass or
        # PGPASSWORD: never from the manifest.
        # and tells where the paths are:
        #   file: TEMPLATE    one file per record, built from columns: '/var/www/vtigercrm/{path}{id}_{name}'
        #   text: [COLUMNS]   columns of free text (notes, HTML) with paths inside
        # Optional: key (the columns that identify a record), deleted and modified (columns),
        # fields (columns a policy layout may use as {record.COLUMN}),
        # base (the folder relative paths resolve against), root (the root the paths belong to),
        # relative_base (where bare relative paths in the text start: 'Scans/2013/x.pdf' in a note),
        # rewrite_column (a column 'attache rewrite' fills with the new location of the 'file' path).
        sources: []
        # sources:
        #   - name: vtiger-attachments
        #     sqlite: crm.sqlite
        #     query: SELECT a.attachmentsid, a.path || a.attachmentsid || '_' || a.name AS file,
        #            e.deleted, e.modifiedtime
        #            FROM vtiger_attachments a JOIN vtiger_crmentity e ON e.crmid = a.attachmentsid
        #     key: [attachmentsid]
        #     file: '/var/www/vtigercrm/{file}'
        #     deleted: deleted
        #     modified: modifiedtime
        #   - name: comments
        #     sqlite: crm.sqlite
        #     table: vtiger_modcomments
        #     key: [modcommentsid]
        #     text: [commentcontent]
        #   - name: vtiger-live
        #     preset: vtiger
        #     mysql: mysql://attache_ro@127.0.0.1:3306/vtigercrm
        #     password_env: VTIGER_DB_PASSWORD
        #     root: /mnt/legacy/vtiger
        #   - name: salesforce-attachments
        #     csv: export/Attachment.csv
        #     key: [Id]
        #     file: '{Body}'
        #     base: /mnt/export

        # The storage policy that decides keep / archive / drop for each file (see policies/).
        # policy: policies/cloud-50gib.yaml

        # Where 'attache apply' puts the files (a local disk, a mounted share, a synced folder).
        # To say how the records will link to it once rewritten, write instead
        #   { path: /mnt/new-storage, address: 'https://tenant.sharepoint.com/sites/crm/Shared Documents/' }
        # (the address: a URL, a \\SERVER\share\, a drive Z:\ or a folder /srv/…).
        # target: /mnt/new-storage

        """#
}
