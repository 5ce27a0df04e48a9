"""Tianlian's own check for the schemathesis run (#19.6), loaded through SCHEMATHESIS_HOOKS.

A request the document's schemas admit may still be refused with 422 for a reason no schema
can state: it names a record that is not there, the stored state does not allow the step, or
two fields disagree. The document lists those refusals by their error code under
`x-refusals-beyond-schema`. schemathesis.toml lets positive_data_acceptance take a 422; this
check then fails any schema-valid request refused with 422 for a code outside that list, so a
constraint the server enforces and the document omits still fails the run.
"""

import schemathesis


@schemathesis.check
def refusal_beyond_schema(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 422:
        return None
    listed = case.operation.schema.raw_schema.get("x-refusals-beyond-schema", {})
    try:
        code = response.json()["error"]["code"]
    except Exception:  # noqa: BLE001 - any unreadable body is itself the failure
        code = None
    if code not in listed:
        raise AssertionError(
            f"A schema-valid request was refused with 422 `{code}`, which the document does not "
            "list under x-refusals-beyond-schema: its schema omits a constraint the server enforces"
        )
    return None
