-- Every scrape rewrites its product's last_update and the cached tail of each series that
-- moved; none of those columns is indexed, so with free room on the page PostgreSQL can
-- update in place (HOT) instead of writing a new index entry per row and per index.
-- Applies to pages written from now on; VACUUM FULL would repack existing ones.
ALTER TABLE products SET (fillfactor = 70);
ALTER TABLE series SET (fillfactor = 70);
