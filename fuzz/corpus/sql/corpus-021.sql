/* request 42 */ SELECT name FROM users -- trailing note
WHERE id = 5