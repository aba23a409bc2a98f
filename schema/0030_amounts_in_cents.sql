-- Salaries are written with cents (1 900,50 €) and kept as written: euros and cents, exactly.
-- The integers already stored become the same amounts with ,00.
ALTER TABLE job_needs
    ALTER COLUMN pay_min TYPE numeric(9,2),
    ALTER COLUMN pay_max TYPE numeric(9,2);

ALTER TABLE offers
    ALTER COLUMN gross_pay TYPE numeric(9,2);
