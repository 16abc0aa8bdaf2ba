"""Certificates, newsletter article, evaluation report, PDFs and award emails.

Public API (import from the submodules; charts pull in matplotlib only when used):

- ``certificates.write_certificates(awards, branding, out_dir, ...) -> CertificateRun``
- ``newsletter.write_newsletter(ctx, branding, out_path) -> Path``
- ``evaluation.write_evaluation_report(ctx, branding, out_path) -> Path``
- ``evaluation.recommendations(ctx) -> list[str]``
- ``citation.citation(award) -> str``
- ``pdf.to_pdf(paths, out_dir) -> list[Path]``
- ``mail.compose_emails(...) -> Outbox``, ``mail.write_drafts(messages, out_dir)``,
  ``mail.send(messages, smtp, password_env=..., dry_run=False)``
- ``build_templates.build_templates(out_dir)``

The input types are the dataclasses in ``context``.
"""
