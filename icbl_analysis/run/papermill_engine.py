"""The papermill engine `icbl-warm`: papermill's nbclient engine, run in the process's warm kernel
(see kernels.py). Registered through the `papermill.engine` entry point, so `papermill --engine icbl-warm`
and `icbl-review` execute notebooks the same way."""

from __future__ import annotations

from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine
from papermill.utils import merge_kwargs, remove_args

from .kernels import keep_client, reset, warm_client, warm_kernel


class WarmKernelEngine(NBClientEngine):
    """papermill's nbclient engine, run in this process's warm kernel."""

    @classmethod
    def execute_managed_notebook(
        cls,
        nb_man,
        kernel_name,
        log_output=False,
        stdout_file=None,
        stderr_file=None,
        start_timeout=60,
        execution_timeout=None,
        **kwargs,
    ):
        km = warm_kernel()
        kc = warm_client() if km.has_kernel else None
        if kc is not None:
            reset(kc)
        kwargs = remove_args(["input_path", "timeout", "startup_timeout", "km"], **kwargs)
        final = merge_kwargs(
            kwargs,
            timeout=execution_timeout,
            startup_timeout=start_timeout,
            kernel_name=kernel_name,
            log_output=log_output,
            stdout_file=stdout_file,
            stderr_file=stderr_file,
        )
        client = PapermillNotebookClient(nb_man, km=km, **final)
        client.kc = kc  # None on the first notebook: the client starts the kernel and connects
        try:
            return client.execute()
        finally:
            keep_client(client.kc)
