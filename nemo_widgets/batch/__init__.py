"""Batch captioning of many files on Dask distributed (``pip install "nemo-widgets[batch]"``).

>>> import nemo_widgets as nw
>>> df = nw.caption_batch("lectures/*.mp4", lang="en", formats="srt,vtt", output="out")

``dask.distributed`` is imported only when a batch runs on it.
"""

from .run import caption_batch

__all__ = ["caption_batch"]
