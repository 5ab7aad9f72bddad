//! Holds no code: see tests/ for checks over the whole workspace.
