//! SPARQL endpoint (being written).
