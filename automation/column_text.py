"""Whole columns turned into text in C, giving exactly what a Python call per cell gives.

Turning every cell of a long table into text (a digest's canonical form, a sheet's XML)
through a Python call per cell costs seconds at 300,000 rows. Text columns are handled by
arrow string kernels (with Python's own idea of whitespace); other columns hold few distinct
values (judges, criteria, scores out of five), so the per-value function runs once per
distinct value and the results are spread back over the rows.

Distinct means distinct for the function, not merely ``==``: 0.0 and -0.0 are equal but
read "0" and "-0", and in a column of mixed Python objects True, 1 and 1.0 are equal too.
Floats are therefore told apart by their bits, and object columns are grouped only when
every value is text; anything else is mapped a cell at a time.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

# What str.strip() removes: the characters for which str.isspace() is true.
PY_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)
# Dtype kinds whose equal values are the same value: integers, booleans, datetimes (one time
# zone per column), durations. Floats are grouped by their bits instead.
_GROUPABLE = "iubMm"


def is_text(series: pd.Series) -> bool:
    """Whether every value of ``series`` is text or missing."""
    dtype = series.dtype
    if isinstance(dtype, pd.StringDtype):
        return True
    if isinstance(dtype, pd.ArrowDtype):
        return pa.types.is_string(dtype.pyarrow_dtype) or pa.types.is_large_string(
            dtype.pyarrow_dtype
        )
    if dtype.kind != "O" or isinstance(dtype, pd.api.extensions.ExtensionDtype):
        return False
    return pd.api.types.infer_dtype(series, skipna=True) in ("string", "empty")


def text_array(series: pd.Series) -> pa.Array | None:
    """A text column (see ``is_text``) as an arrow string array, null where missing; None
    when arrow cannot hold it (a lone surrogate, an odd blank): map it a cell at a time."""
    try:
        arr = pa.array(series, from_pandas=True)
    except (pa.ArrowException, UnicodeError):
        return None
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    kind = arr.type
    if not (pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_null(kind)):
        return None
    return arr.cast(pa.large_string())


def strip(arr: pa.Array) -> pa.Array:
    """``str.strip()`` of every string."""
    return pc.utf8_trim(arr, PY_WHITESPACE)


def factorized(series: pd.Series) -> tuple[np.ndarray, list | pa.Array] | None:
    """Codes (-1 for a missing cell) and the distinct values they point at, grouped so that
    values in one group are the same value; None when the column cannot be grouped safely
    (mixed Python objects, categories, anything unusual). Text held by arrow gives its
    distinct values as an arrow array (never made into Python strings)."""
    dtype = series.dtype
    if pd.api.types.is_float_dtype(dtype):
        floats = series.to_numpy(dtype=np.float64, na_value=np.nan)
        codes, bits = pd.factorize(floats.view(np.int64))
        return np.where(np.isnan(floats), -1, codes), bits.view(np.float64).tolist()
    if is_text(series):
        arr = text_array(series)
        if arr is not None:
            encoded = arr.dictionary_encode()
            codes = encoded.indices.fill_null(-1).to_numpy(zero_copy_only=False)
            return codes.astype(np.int64, copy=False), encoded.dictionary
    if dtype.kind in _GROUPABLE or is_text(series):
        codes, uniques = pd.factorize(series.array)
        return codes, list(uniques)
    return None


def spread(codes: np.ndarray, texts: pa.Array, blank: str) -> pa.Array:
    """``texts[code]`` for every code, ``blank`` where the code is -1."""
    texts = pa.concat_arrays([texts.cast(pa.large_string()), pa.array([blank], pa.large_string())])
    return texts.take(pa.array(np.where(codes < 0, len(texts) - 1, codes)))


def by_distinct(series: pd.Series, fn: Callable[[object], str], blank: str) -> pa.Array:
    """``fn`` of every cell of ``series``, as an arrow (large) string array.

    ``blank`` is what ``fn`` gives a missing cell (None, NaN, NA, NaT): grouped columns use
    it without calling ``fn``; columns mapped a cell at a time call ``fn`` on every cell.
    """
    grouped = factorized(series)
    if grouped is None:
        texts = [fn(v) for v in series.to_numpy(dtype=object)]
        return pa.array(texts, type=pa.large_string())
    codes, uniques = grouped
    if isinstance(uniques, pa.Array):
        uniques = uniques.to_pylist()
    return spread(codes, pa.array([fn(u) for u in uniques], type=pa.large_string()), blank)
