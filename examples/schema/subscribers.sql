CREATE TABLE subscribers (
    id          BIGSERIAL PRIMARY KEY,
    email       TEXT NOT NULL UNIQUE,
    first_name  TEXT,
    date_of_birth DATE,
    -- encrypted with pgcrypto (pgp_sym_encrypt) before insert
    ssn         BYTEA
);
