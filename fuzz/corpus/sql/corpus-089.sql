SELEcT order_date
FROM   (sELECT *
FROM   orders o
JOIN customers c
ON o.customer_id = c.customer_id)