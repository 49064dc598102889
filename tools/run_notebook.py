"""Executes one notebook headless through Jupyter's own client and reports the first failing cell.

Used by `npm run notebooks` (tools/notebooks.ts), with JUPYTER_PATH pointing at this checkout's tslab
kernelspec. tslab reports a cell's exception only on the cell's stderr stream, so on failure this prints
that stream, not just "an error occurred".

usage: run_notebook.py IN.ipynb OUT.ipynb TIMEOUT_SECONDS WORKING_DIR
The executed copy is signed as trusted when every cell succeeded.
exit 0 on success; 1 with a JSON line {"cell": N, "source": "...", "stderr": "...", "error": "..."} on failure.
"""
import json
import sys

import nbformat
from nbformat.sign import NotebookNotary
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def cell_stderr(cell):
    parts = []
    for out in cell.get("outputs", []):
        if out.get("output_type") == "stream" and out.get("name") == "stderr":
            parts.append(out.get("text", ""))
        if out.get("output_type") == "error":
            parts.append(f"{out.get('ename')}: {out.get('evalue')}")
    return "".join(parts)


def main():
    src, dst, timeout, cwd = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    nb = nbformat.read(src, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="tslab", allow_errors=False,
                            resources={"metadata": {"path": cwd}})
    failure = None
    try:
        client.execute()
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        index = next((i for i, c in enumerate(nb.cells)
                      if c.cell_type == "code" and c.get("execution_count") is not None
                      and any(o.get("output_type") == "error" for o in c.get("outputs", []))), None)
        if index is None:
            executed = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.get("execution_count") is not None]
            index = executed[-1] if executed else 0
        cell = nb.cells[index]
        failure = {"cell": index, "source": cell.source, "stderr": cell_stderr(cell), "error": str(e).strip()[-2000:]}
    if failure is None:
        # We executed every output ourselves, so the notebook is trusted: a notebook server then runs its HTML
        # outputs' scripts (the Plotly charts) when it opens the executed copy.
        NotebookNotary().sign(nb)
    nbformat.write(nb, dst)
    if failure:
        print(json.dumps(failure))
        sys.exit(1)


if __name__ == "__main__":
    main()
