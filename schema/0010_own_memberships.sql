-- A person's roles in one statement: the session lookup of every signed-in request reads
-- them without a transaction of its own. The function sets `renfort.user_id` for its own
-- statement only, so row-level security shows that person's memberships and no others.
CREATE FUNCTION own_memberships(person bigint)
    RETURNS TABLE (centre_id bigint, centre_slug text, centre_name text, role text, business_id bigint)
    LANGUAGE plpgsql VOLATILE AS $$
BEGIN
    PERFORM set_config('renfort.user_id', person::text, true);
    RETURN QUERY
        SELECT c.id, c.slug, c.name, m.role, m.business_id
        FROM memberships m JOIN centres c ON c.id = m.tenant_id
        WHERE m.user_id = person
        ORDER BY c.name;
END $$;
