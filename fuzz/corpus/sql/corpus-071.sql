SELECT REPLACE(name, 'a', 'b') FROM people # why not
