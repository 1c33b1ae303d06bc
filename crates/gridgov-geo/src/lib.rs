//! Geometry for gridgov.
