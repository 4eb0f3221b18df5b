-- Final ratings with their side of the ALS split, from a hash of (user, movie) and seed.
with

ratings as (

    select * from {{ ref('ratings') }}

),

final as (

    select
        *,
        {{ split_side(['user_id', 'movie_id'], var('als_train_fraction')) }} as split

    from ratings

)

select * from final
