-- The centre's version (0013) raised also by the shared posts and their members (0230): a
-- centre's dashboard shows them in its tables, and the server keeps those tables' markup
-- beside the version (`FigureStore.markup`), written again after any change.
CREATE CONSTRAINT TRIGGER shared_posts_version AFTER INSERT OR UPDATE OR DELETE ON shared_posts
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
CREATE CONSTRAINT TRIGGER shared_post_members_version AFTER INSERT OR UPDATE OR DELETE ON shared_post_members
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION raise_centre_version();
