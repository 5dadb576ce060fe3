"""The warm kernel of this process: one kernel over IPC (a private path per kernel: safe in parallel, unlike TCP
ports) in which the process runs its notebooks one after the other, the namespace reset in between: starting a
kernel and importing pandas and matplotlib is half the time of a short notebook. After a failure the kernel is
thrown away. A kernel exits on its own when the process that started it dies (it watches its parent).
"""

from __future__ import annotations

import ast
import os
import tempfile
from multiprocessing.util import Finalize
from pathlib import Path

from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

RESET = """
import matplotlib.pyplot as _plt
_plt.close("all")
del _plt
_ip, _name = get_ipython(), None
for _name in [n for n in _ip.user_ns if not n.startswith("_") and n not in _ip.user_ns_hidden]:
    del _ip.user_ns[_name]
_ip.history_manager.output_hist.clear()
_ip.execution_count = 1  # each notebook numbers its cells from 1
del _ip, _name
__import__("icbl_analysis.data.load").data.load.forget_reads()
"""  # the previous notebook's names and figures go; imported modules (and their caches) stay
WARM_IMPORTS = "import icbl_analysis.present.notebook"


class IPCKernelManager(AsyncKernelManager):
    """TCP ports can collide when kernels start side by side; IPC files in a private folder cannot."""

    def __init__(self, **kwargs):
        folder = tempfile.mkdtemp(prefix="icbl-kernel-")
        kwargs.setdefault("transport", "ipc")
        kwargs.setdefault("ip", os.path.join(folder, "kernel"))
        super().__init__(**kwargs)

    def format_kernel_cmd(self, extra_arguments=None):
        # no input history: kernels side by side would share (and lock) one history database, and each
        # notebook numbering its cells from 1 would clash in it
        cmd = [*super().format_kernel_cmd(extra_arguments), "--HistoryManager.enabled=False"]
        # the kernel watches this process and exits when it dies, even after kill -9
        return [*cmd, f"--IPKernelApp.parent_handle={os.getpid()}"] if os.name == "posix" else cmd


_KERNEL: IPCKernelManager | None = None  # this process's warm kernel
_CLIENT = None  # and its client, connected once (connecting costs a tenth of a second a notebook)


def warm_kernel() -> IPCKernelManager:
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = IPCKernelManager(kernel_name="python3")
        Finalize(_KERNEL, _shutdown, args=(_KERNEL,), exitpriority=10)
    return _KERNEL


def warm_client():
    """The connected client of the warm kernel; None until its first notebook has started it."""
    return _CLIENT


def keep_client(kc) -> None:
    """Remember the client the first notebook connected, for the next ones."""
    global _CLIENT
    _CLIENT = kc


def _shutdown(km) -> None:
    if km.has_kernel:
        run_sync(km.shutdown_kernel)(now=True)


def discard_kernel() -> None:
    global _KERNEL, _CLIENT
    if _CLIENT is not None:
        _CLIENT.stop_channels()
        _CLIENT = None
    if _KERNEL is not None:
        try:
            _shutdown(_KERNEL)
        finally:
            _KERNEL = None


def prestart(cwd: str, log: Path) -> None:
    """Start this process's warm kernel now and import the notebooks' library in it (a second and a half),
    rather than when the first notebook arrives. A kernel that fails to start here is tried again, and
    reported, by that notebook."""
    km = warm_kernel()
    if km.has_kernel:
        return
    try:
        with open(log, "ab") as err:
            run_sync(km.start_kernel)(cwd=cwd, stderr=err)
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=60)
        kc.allow_stdin = False
        keep_client(kc)
        run_sync(kc.execute_interactive)(WARM_IMPORTS, silent=True, store_history=False, timeout=120)
    except Exception:  # noqa: BLE001 - see the docstring
        discard_kernel()


def tables_read(kc) -> list[str] | None:
    """The tables the notebook just run read (None when the kernel cannot say)."""
    asked = "__import__('icbl_analysis.data.load').data.load.tables_read()"
    reply = run_sync(kc.execute_interactive)("", silent=True, user_expressions={"read": asked}, timeout=60)
    found = reply["content"].get("user_expressions", {}).get("read", {})
    if found.get("status") != "ok":
        return None
    return ast.literal_eval(found["data"]["text/plain"])


def reset(kc) -> None:
    """Clear the previous notebook's variables and figures, keeping the imported modules."""
    reply = run_sync(kc.execute_interactive)(RESET, silent=True, store_history=False, timeout=60)
    if reply["content"]["status"] != "ok":
        raise RuntimeError(f"the warm kernel could not be reset: {reply['content'].get('evalue')}")
