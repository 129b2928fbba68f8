SELECT take_holds($1::text[], $2::int[], $3, $4, $5) AS full
